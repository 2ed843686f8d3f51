"""Pure rules of the funds service: a double-entry ledger in the manner of TigerBeetle, and disbursements.

Plain values in, plain values out: no database, no nameko, no clock. Money is an ``int`` of đồng, never a
float or ``Decimal``. The ledger's guarantees are TigerBeetle's: transfers are immutable and applied at
most once per id; every transfer's debits equal its credits, so the whole ledger's do too; no CASH account
is ever overdrawn; a transfer with several postings is applied whole or not at all; a correction is a
reversal, never an edit. ``Ledger`` keeps them in memory (the model of the property tests);
``posted_states`` is the same rule on account rows that the service has loaded and locked.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from contracts.funds import (  # the errors cross RPC, so they live (and are registered) in contracts
    ApproverIsProposer,
    DisbursementRejected,
    InsufficientFunds,
    ReversalRejected,
    TransferIdReused,
    TransferInvalid,
)

# --- accounts ----------------------------------------------------------------------------------------


class AccountKind(StrEnum):
    CASH = "CASH"  # money the fund holds, per purpose ("" = unrestricted); never overdrawn
    DONATIONS = "DONATIONS"  # income received, per purpose
    DISBURSEMENTS = "DISBURSEMENTS"  # spending, per disbursement kind (the key's purpose is the kind)
    TRANSFERS_IN = "TRANSFERS_IN"  # money received from other funds
    TRANSFERS_OUT = "TRANSFERS_OUT"  # money sent to other funds


class DisbursementKind(StrEnum):
    HOC_BONG = "HOC_BONG"  # học bổng, scholarship
    KHEN_THUONG = "KHEN_THUONG"  # khen thưởng, reward
    HO_TRO = "HO_TRO"  # hỗ trợ, support


UNRESTRICTED = ""
_PURPOSE = re.compile(r"[A-Z0-9_]{1,64}")

# A balance is debits - credits for these kinds and credits - debits for the others, so that every
# balance of a healthy ledger reads as a non-negative amount: CASH held, DISBURSEMENTS spent,
# TRANSFERS_OUT sent; DONATIONS and TRANSFERS_IN received.
DEBIT_NORMAL = frozenset({AccountKind.CASH, AccountKind.DISBURSEMENTS, AccountKind.TRANSFERS_OUT})

# PostgreSQL's bigint, where the service keeps posted totals; a single amount is capped far below it.
MAX_POSTED_VND = 2**63 - 1
MAX_AMOUNT_VND = 10**15


@dataclass(frozen=True)
class AccountKey:
    fund_id: str
    kind: AccountKind
    purpose: str = UNRESTRICTED

    def __post_init__(self):
        object.__setattr__(self, "kind", AccountKind(self.kind))


@dataclass(frozen=True)
class AccountState:
    debits_posted: int = 0
    credits_posted: int = 0

    def posted(self, debit, credit):
        return AccountState(self.debits_posted + debit, self.credits_posted + credit)


def balance(key, state):
    """The account's balance by the sign convention of ``DEBIT_NORMAL``."""
    if key.kind in DEBIT_NORMAL:
        return state.debits_posted - state.credits_posted
    return state.credits_posted - state.debits_posted


def exceeds_limit(key, state):
    """TigerBeetle's ``credits_must_not_exceed_debits``, carried by CASH accounts only."""
    return key.kind == AccountKind.CASH and state.credits_posted > state.debits_posted


# --- transfers ---------------------------------------------------------------------------------------


class TransferKind(StrEnum):
    DONATION = "donation"
    DISBURSEMENT_PAYMENT = "disbursement_payment"
    FUND_TRANSFER = "fund_transfer"
    REVERSAL = "reversal"


@dataclass(frozen=True)
class Posting:
    account: AccountKey
    debit: int = 0
    credit: int = 0


@dataclass(frozen=True)
class Transfer:
    id: str
    postings: tuple[Posting, ...]
    kind: str
    reverses: str | None = None


def transfer_problem(transfer):
    """The code of the first rule the transfer's own shape breaks, or None when it is valid."""
    if not isinstance(transfer.id, str) or not transfer.id:
        return "id_required"
    if (transfer.reverses is not None) != (transfer.kind == TransferKind.REVERSAL):
        return "reversal_kind_mismatch"
    postings = tuple(transfer.postings)
    if len(postings) < 2:
        return "too_few_postings"
    for posting in postings:
        problem = _posting_problem(posting)
        if problem:
            return problem
    if len({posting.account for posting in postings}) < len(postings):
        return "accounts_must_be_different"  # one change per account keeps the limit check simple
    if sum(p.debit for p in postings) != sum(p.credit for p in postings):
        return "debits_must_equal_credits"
    return None


def _posting_problem(posting):
    account = posting.account
    if not isinstance(account, AccountKey) or not isinstance(account.fund_id, str) or not account.fund_id:
        return "account_invalid"
    if account.kind == AccountKind.DISBURSEMENTS and account.purpose not in set(DisbursementKind):
        return "disbursement_kind_invalid"
    if account.purpose != UNRESTRICTED and not _PURPOSE.fullmatch(account.purpose or "-"):
        return "purpose_invalid"
    amounts = (posting.debit, posting.credit)
    if any(type(amount) is not int for amount in amounts):  # bool is an int, and not money
        return "amount_not_integer"
    if min(amounts) != 0 or max(amounts) <= 0:
        return "amount_must_be_positive"
    if max(amounts) > MAX_AMOUNT_VND:
        return "amount_too_large"
    return None


def check_transfer(transfer):
    """The transfer itself, or ``TransferInvalid`` naming the first rule it breaks."""
    problem = transfer_problem(transfer)
    if problem:
        raise TransferInvalid.because(problem)
    return transfer


def donation(id, fund_id, amount, purpose=UNRESTRICTED):
    """Money received: debit CASH(fund, purpose), credit DONATIONS(fund, purpose)."""
    return check_transfer(
        Transfer(
            id,
            (
                Posting(AccountKey(fund_id, AccountKind.CASH, purpose), debit=amount),
                Posting(AccountKey(fund_id, AccountKind.DONATIONS, purpose), credit=amount),
            ),
            TransferKind.DONATION,
        )
    )


def disbursement_payment(id, fund_id, amount, kind, purpose=UNRESTRICTED):
    """Money paid out: debit DISBURSEMENTS(fund, kind), credit CASH(fund, purpose).

    Money earmarked for a purpose is spent only on it: a payment for purpose P takes only from CASH(P),
    and an unrestricted payment only from CASH(""), never from some purpose's money.
    """
    if kind not in set(DisbursementKind):
        raise TransferInvalid.because("disbursement_kind_invalid", field="kind")
    return check_transfer(
        Transfer(
            id,
            (
                Posting(AccountKey(fund_id, AccountKind.DISBURSEMENTS, DisbursementKind(kind)), debit=amount),
                Posting(AccountKey(fund_id, AccountKind.CASH, purpose), credit=amount),
            ),
            TransferKind.DISBURSEMENT_PAYMENT,
        )
    )


def fund_transfer(id, from_fund, to_fund, amount, purpose=UNRESTRICTED):
    """A grant from one fund to another (a province to a commune) as one transfer of four postings.

    Both sides are in one transfer rather than TigerBeetle's pair of linked ones: a transfer is already
    all-or-nothing, and one id makes the retry of the whole pair idempotent. Earmarked money stays
    earmarked: CASH(from, P) goes to CASH(to, P).
    """
    if from_fund == to_fund:
        raise TransferInvalid.because("same_fund", field="to_fund")
    return check_transfer(
        Transfer(
            id,
            (
                Posting(AccountKey(from_fund, AccountKind.TRANSFERS_OUT), debit=amount),
                Posting(AccountKey(from_fund, AccountKind.CASH, purpose), credit=amount),
                Posting(AccountKey(to_fund, AccountKind.CASH, purpose), debit=amount),
                Posting(AccountKey(to_fund, AccountKind.TRANSFERS_IN), credit=amount),
            ),
            TransferKind.FUND_TRANSFER,
        )
    )


def reversal(id, original):
    """The correction of ``original``: its postings with debits and credits swapped."""
    postings = tuple(Posting(p.account, debit=p.credit, credit=p.debit) for p in original.postings)
    return Transfer(id, postings, TransferKind.REVERSAL, reverses=original.id)


def posted_states(states, transfer):
    """The new state of every account the transfer touches, given the current ``states`` (missing = new).

    Raises ``InsufficientFunds`` if any CASH account would be overdrawn, and nothing is to be written: the
    caller writes all the returned states or none. ``transfer`` must already have passed ``check_transfer``.
    """
    new_states = {}
    for posting in transfer.postings:
        before = states.get(posting.account, AccountState())
        after = before.posted(posting.debit, posting.credit)
        if exceeds_limit(posting.account, after):
            raise InsufficientFunds.for_account(posting.account, balance(posting.account, before), posting.credit)
        if max(after.debits_posted, after.credits_posted) > MAX_POSTED_VND:
            raise TransferInvalid.because("overflows_posted")
        new_states[posting.account] = after
    return new_states


# --- the ledger --------------------------------------------------------------------------------------


class TransferResult(StrEnum):
    CREATED = "created"
    EXISTS = "exists"  # the same transfer under the same id was applied before: nothing changed


class Ledger:
    """Accounts and transfers in memory, with TigerBeetle's rules for applying a transfer.

    A refused transfer leaves no trace, so its id may be used again later (when the fund holds enough,
    say); only applied transfers claim their ids. That is TigerBeetle's behaviour for balance failures
    before its ``id_already_failed`` (0.16), and what a database transaction that rolls back gives.
    """

    def __init__(self):
        self._accounts = {}
        self._transfers = {}  # id -> Transfer, in the order applied
        self._reversed_by = {}  # original id -> reversal id

    def apply(self, transfer):
        check_transfer(transfer)
        existing = self._transfers.get(transfer.id)
        if existing is not None:
            if existing == transfer:
                return TransferResult.EXISTS
            raise TransferIdReused.for_id(transfer.id)
        if transfer.reverses is not None:
            self._check_reversal(transfer)
        self._accounts.update(posted_states(self._accounts, transfer))
        self._transfers[transfer.id] = transfer
        if transfer.reverses is not None:
            self._reversed_by[transfer.reverses] = transfer.id
        return TransferResult.CREATED

    def _check_reversal(self, transfer):
        original = self._transfers.get(transfer.reverses)
        if original is None:
            reason = "original_not_found"
        elif original.reverses is not None:
            reason = "original_is_reversal"  # a mistaken reversal is undone by a new ordinary transfer
        elif transfer.reverses in self._reversed_by:
            reason = "already_reversed"
        elif _sides(transfer.postings) != {a: (c, d) for a, (d, c) in _sides(original.postings).items()}:
            reason = "postings_do_not_mirror_original"  # else ``reverses`` could label any movement
        else:
            return
        raise ReversalRejected.because(reason, transfer.id, transfer.reverses)

    def balance_of(self, key):
        return balance(key, self._accounts.get(key, AccountState()))

    def accounts(self):
        """``{AccountKey: AccountState}`` of every account that has a posting (a copy)."""
        return dict(self._accounts)

    def transfers(self):
        """Every applied transfer, in the order applied."""
        return tuple(self._transfers.values())

    def transfer(self, transfer_id):
        return self._transfers.get(transfer_id)

    def reversal_of(self, transfer_id):
        """The id of the transfer that reversed ``transfer_id``, or None."""
        return self._reversed_by.get(transfer_id)

    def total_debits(self):
        return sum(state.debits_posted for state in self._accounts.values())

    def total_credits(self):
        return sum(state.credits_posted for state in self._accounts.values())


def _sides(postings):
    return {p.account: (p.debit, p.credit) for p in postings}


# --- disbursements -----------------------------------------------------------------------------------


class DisbursementStatus(StrEnum):
    PROPOSED = "PROPOSED"
    APPROVED = "APPROVED"
    PAID = "PAID"  # final: a paid disbursement is corrected by reversing its payment transfer
    REJECTED = "REJECTED"  # final


DISBURSEMENT_TRANSITIONS = {
    DisbursementStatus.PROPOSED: frozenset({DisbursementStatus.APPROVED, DisbursementStatus.REJECTED}),
    DisbursementStatus.APPROVED: frozenset({DisbursementStatus.PAID, DisbursementStatus.REJECTED}),
    DisbursementStatus.PAID: frozenset(),
    DisbursementStatus.REJECTED: frozenset(),
}


def _transition(status, target):
    if target not in DISBURSEMENT_TRANSITIONS[DisbursementStatus(status)]:
        raise DisbursementRejected(None, {"status": str(status), "target": str(target)})
    return target


def approve(status, proposer_id, approver_id):
    """APPROVED, if ``status`` is PROPOSED and the approver is someone other than the proposer."""
    _transition(status, DisbursementStatus.APPROVED)
    if approver_id == proposer_id:
        raise ApproverIsProposer(None, {"approver_id": approver_id})
    return DisbursementStatus.APPROVED


def pay(status):
    return _transition(status, DisbursementStatus.PAID)


def reject(status):
    return _transition(status, DisbursementStatus.REJECTED)
