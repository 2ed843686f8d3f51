"""The ledger on the database: ``domain``'s rules applied to locked account rows, inside the caller's
transaction.

A transfer locks its accounts in one order, the sorted account keys (so two transfers over the same
accounts queue instead of deadlocking), reads their posted totals, computes the new ones with
``domain.posted_states`` (which refuses an overdraft), then writes the accounts, the transfer and its
postings. Nothing is written before every check passed, and the caller's transaction commits it all or
nothing. The database's CHECK constraints are the second line: a violation that the code missed still
ends as ``insufficient_funds``, never as a partial write or a 500.
"""

import hashlib
import json

from sqlalchemy.exc import IntegrityError

from funds import domain, repository
from funds.domain import InsufficientFunds, ReversalRejected, TransferIdReused

CASH_LIMIT_CONSTRAINT = "ck_accounts_cash_not_overdrawn"


def request_hash(operation, request):
    """What tells "same id, same request" from "same id, different request" (the kit hashes the same way)."""
    canonical = json.dumps([operation, request], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _sort_key(key):
    return (str(key.fund_id), str(key.kind), key.purpose)


def apply(session, transfer, record):
    """Apply ``transfer`` (a checked ``domain.Transfer``) with ``record``: the transfer row's other columns
    (kind-specific: fund_id, counter_fund_id, amount_vnd, purpose, occurred_on, note, created_by,
    request_hash). Raises ``InsufficientFunds`` or ``ReversalRejected`` and writes nothing."""
    domain.check_transfer(transfer)
    existing = repository.get_transfer(session, transfer.id)
    if existing is not None:
        # The use cases replay an identical request before coming here: an id met here is another request.
        raise TransferIdReused.for_id(transfer.id)
    if transfer.reverses is not None:
        check_reversal(session, transfer)
    keys = sorted({p.account for p in transfer.postings}, key=_sort_key)
    locked = {key: repository.lock_account(session, key) for key in keys}
    new_states = domain.posted_states({key: state for key, (_, state) in locked.items()}, transfer)
    try:  # a failure leaves the transaction to be rolled back by the caller's unit of work
        for key in keys:
            repository.write_account(session, locked[key][0], new_states[key])
        postings = [(locked[p.account][0], p.debit, p.credit) for p in transfer.postings]
        values = {"id": transfer.id, "kind": str(transfer.kind), "reverses": transfer.reverses, **record}
        repository.insert_transfer(session, values, postings)
    except IntegrityError as error:
        raise _as_domain_error(error, transfer) from None
    return new_states


def write_states(session, states):
    """Write posted totals as they are, with the database's checks as the only guard: what ``apply``
    does after its own checks. ``states`` is ``{AccountKey: AccountState}``. For tests of the second line."""
    try:
        for key in sorted(states, key=_sort_key):
            account_id, _ = repository.lock_account(session, key)
            repository.write_account(session, account_id, states[key])
    except IntegrityError as error:
        raise _as_domain_error(error, None) from None


def _as_domain_error(error, transfer):
    text = str(error.orig)
    if CASH_LIMIT_CONSTRAINT in text:
        return InsufficientFunds(None, {"constraint": CASH_LIMIT_CONSTRAINT})
    if transfer is not None and transfer.reverses is not None and "reverses" in text:
        return ReversalRejected.because("already_reversed", transfer.id, transfer.reverses)
    if transfer is not None:
        return TransferIdReused.for_id(transfer.id)  # a concurrent transfer took the id first
    raise error


def stored_transfer(session, transfer_id):
    """The applied transfer as a ``domain.Transfer``, or None."""
    row = repository.get_transfer(session, transfer_id)
    if row is None:
        return None
    lines = repository.postings_of(session, row.id)
    postings = tuple(domain.Posting(key, debit=debit, credit=credit) for key, debit, credit in lines)
    return domain.Transfer(row.id, postings, domain.TransferKind(row.kind), row.reverses)


def check_reversal(session, transfer):
    """TigerBeetle's rules for a correction, against what is stored (the UNIQUE on ``reverses`` is the
    database's own guard against two reversals of one transfer)."""
    original = stored_transfer(session, transfer.reverses)
    if original is None:
        reason = "original_not_found"
    elif original.reverses is not None:
        reason = "original_is_reversal"
    elif repository.reversal_ids(session, [original.id]):
        reason = "already_reversed"
    elif _lines(domain.reversal(transfer.id, original)) != _lines(transfer):
        reason = "postings_do_not_mirror_original"
    else:
        return original
    raise ReversalRejected.because(reason, transfer.id, transfer.reverses)


def _lines(transfer):
    return {(p.account, p.debit, p.credit) for p in transfer.postings}
