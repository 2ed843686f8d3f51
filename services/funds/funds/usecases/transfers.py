"""Transfers between funds (a province grants to a commune) and reversals, the only correction."""

from contracts.envelope import make_event
from contracts.funds import FundNotFound, TransferNotFound
from funds import domain, ledger, repository
from funds.usecases import common


def transfer_between_funds(uow, actor, command, transfer_id):
    """One atomic transfer of four postings from a fund in the actor's subtree to any open fund.

    The receiver need not be in the actor's subtree: a province grants to its communes, and a commune
    returns money to its province's fund, whose details it may not read (it only needs the fund's id).
    The sender must be in scope: only those who keep a fund move its money.
    """
    common.require_write(actor)
    with uow:
        request = {**command, "from_fund_id": str(command["from_fund_id"]), "to_fund_id": str(command["to_fund_id"])}
        replay, request_hash = common.claim_transfer_id(uow, "transfer_between_funds", transfer_id, actor, request)
        if replay is not None:
            return replay
        source = common.require_open(common.fund_in_scope(uow.session, actor, command["from_fund_id"]))
        target = repository.get_fund(uow.session, common.parse_uuid(command["to_fund_id"], FundNotFound))
        if target is None:
            raise FundNotFound(details={"fund_id": str(command["to_fund_id"])})
        common.require_open(target)
        on = common.not_in_future(command.get("transferred_on"), "transferred_on")
        purpose = common.purpose_code(command.get("purpose"))
        transfer = domain.fund_transfer(transfer_id, str(source.id), str(target.id), command["amount_vnd"], purpose)
        record = {
            "fund_id": source.id,
            "counter_fund_id": target.id,
            "amount_vnd": command["amount_vnd"],
            "purpose": purpose,
            "occurred_on": on,
            "note": command.get("note"),
            "created_by": actor["officer_id"],
            "created_at": common.now(),
            "request_hash": request_hash,
        }
        ledger.apply(uow.session, transfer, record)
        uow.emit(fund_transfer_event(transfer_id, source, target, command["amount_vnd"], purpose, on))
        result = _view(uow.session, transfer_id)
        uow.remember(result)
        uow.commit()
    return result


def fund_transfer_event(transfer_id, source, target, amount_vnd, purpose, on):
    return make_event(
        "fund_transfer_completed",
        {
            "transfer_id": transfer_id,
            "from_fund_id": source.id,
            "from_unit_code": source.unit_code,
            "from_unit_path": source.unit_path,
            "to_fund_id": target.id,
            "to_unit_code": target.unit_code,
            "to_unit_path": target.unit_path,
            "amount_vnd": amount_vnd,
            "purpose": common.purpose_view(purpose),
            "transferred_on": on,
        },
        "funds",
    )


def reverse_transfer(uow, actor, original_id, command, transfer_id):
    """The correction of a transfer: a new transfer with its postings mirrored (id = the client's).

    Allowed to those who keep the fund the original started from. The reversal obeys the ledger's limit:
    a donation whose money was already spent cannot be reversed until money comes back (409).
    """
    common.require_write(actor)
    with uow:
        request = {"reverses": original_id, **command}
        replay, request_hash = common.claim_transfer_id(uow, "reverse_transfer", transfer_id, actor, request)
        if replay is not None:
            return replay
        original_row = _transfer_in_scope(uow.session, actor, original_id)
        for fund_id in filter(None, (original_row.fund_id, original_row.counter_fund_id)):
            common.require_open(repository.get_fund(uow.session, fund_id))  # e.g. merged away: its money moved
        original = ledger.stored_transfer(uow.session, original_id)
        transfer = domain.reversal(transfer_id, original)
        record = {
            "fund_id": original_row.fund_id,
            "counter_fund_id": original_row.counter_fund_id,
            "amount_vnd": original_row.amount_vnd,
            "purpose": original_row.purpose,
            "occurred_on": common.not_in_future(command.get("reversed_on"), "reversed_on"),
            "note": command["reason"],
            "created_by": actor["officer_id"],
            "created_at": common.now(),
            "request_hash": request_hash,
        }
        ledger.apply(uow.session, transfer, record)
        result = _view(uow.session, transfer_id)
        uow.remember(result)
        uow.commit()
    return result


def _transfer_in_scope(session, actor, transfer_id):
    """The transfer if the fund it started from is in the actor's subtree; else 404, as if absent."""
    row = repository.get_transfer(session, transfer_id)
    if row is None or repository.get_fund(session, row.fund_id, common.scope_path(session, actor)) is None:
        raise TransferNotFound(details={"transfer_id": transfer_id})
    return row


def _view(session, transfer_id):
    row = repository.get_transfer(session, transfer_id)
    return common.transfer_view(row, ledger.stored_transfer(session, transfer_id))


def get_transfer(uow, actor, transfer_id):
    with uow:
        row = _transfer_in_scope(uow.session, actor, transfer_id)
        reversed_by = repository.reversal_ids(uow.session, [transfer_id]).get(transfer_id)
        return common.transfer_view(row, ledger.stored_transfer(uow.session, transfer_id), reversed_by)
