"""Disbursements: proposed, approved by another officer, then paid (a transfer out of the fund) or
rejected. Money earmarked for a purpose is paid only from that purpose's money."""

from contracts.envelope import make_event
from contracts.funds import DisbursementNotFound
from funds import domain, ledger, repository
from funds.models import Disbursement
from funds.usecases import common
from servicekit import business


def propose_disbursement(uow, actor, fund_id, command, idempotency_key=None):
    common.require_write(actor)
    with uow:
        request = {"fund_id": str(fund_id), **command}
        replay = uow.idempotent("propose_disbursement", actor["officer_id"], idempotency_key, request)
        if replay is not None:
            return replay
        fund = common.require_open(common.fund_in_scope(uow.session, actor, fund_id))
        disbursement = Disbursement(
            fund_id=fund.id,
            kind=command["kind"],
            beneficiary_name=command["beneficiary_name"].strip(),
            amount_vnd=command["amount_vnd"],
            purpose=common.purpose_code(command.get("purpose")),
            decision_reference=command["decision_reference"].strip(),
            note=command.get("note"),
            status=domain.DisbursementStatus.PROPOSED.value,
            proposed_by=actor["officer_id"],
            proposed_at=common.now(),
        )
        repository.add(uow.session, disbursement)
        uow.emit(disbursement_event("disbursement_requested", fund, disbursement))
        result = common.disbursement_view(disbursement, fund.unit_code)
        uow.remember(result)
        uow.commit()
    return result


def approve_disbursement(uow, actor, disbursement_id, command, idempotency_key=None):
    """APPROVED by an officer other than the proposer (four eyes; the database checks it too)."""

    def approve(disbursement, fund):
        status = domain.approve(disbursement.status, disbursement.proposed_by, actor["officer_id"])
        disbursement.status, disbursement.approved_at = status, common.now()
        disbursement.approved_by = actor["officer_id"]
        if command.get("note"):
            disbursement.note = command["note"]
        uow.emit(disbursement_event("disbursement_approved", fund, disbursement))

    return _step(uow, actor, "approve_disbursement", disbursement_id, command, idempotency_key, approve)


def reject_disbursement(uow, actor, disbursement_id, command, idempotency_key=None):
    def reject(disbursement, fund):
        disbursement.status = domain.reject(disbursement.status)
        disbursement.rejected_by, disbursement.rejected_at = actor["officer_id"], common.now()
        disbursement.rejection_reason = command["reason"]

    return _step(uow, actor, "reject_disbursement", disbursement_id, command, idempotency_key, reject)


def _step(uow, actor, operation, disbursement_id, command, idempotency_key, change):
    common.require_write(actor)
    with uow:
        request = {"disbursement_id": str(disbursement_id), **command}
        replay = uow.idempotent(operation, actor["officer_id"], idempotency_key, request)
        if replay is not None:
            return replay
        disbursement, fund = _in_scope(uow.session, actor, disbursement_id, for_update=True)
        change(disbursement, fund)
        uow.session.flush()
        result = common.disbursement_view(disbursement, fund.unit_code)
        uow.remember(result)
        uow.commit()
    return result


def pay_disbursement(uow, actor, disbursement_id, command, transfer_id):
    """PAID: the payment transfer (id = the client's) takes the amount from the fund's money of the
    disbursement's purpose. Not enough money: ``insufficient_funds``, and the status stays APPROVED."""
    common.require_write(actor)
    with uow:
        request = {"disbursement_id": str(disbursement_id), **command}
        replay, request_hash = common.claim_transfer_id(uow, "pay_disbursement", transfer_id, actor, request)
        if replay is not None:
            return replay
        disbursement, fund = _in_scope(uow.session, actor, disbursement_id, for_update=True)
        status = domain.pay(disbursement.status)
        common.require_open(fund)
        paid_on = common.not_in_future(command.get("paid_on"), "paid_on")
        transfer = domain.disbursement_payment(
            transfer_id, str(fund.id), disbursement.amount_vnd, disbursement.kind, disbursement.purpose
        )
        ledger.apply(
            uow.session,
            transfer,
            {
                "fund_id": fund.id,
                "amount_vnd": disbursement.amount_vnd,
                "purpose": disbursement.purpose,
                "occurred_on": paid_on,
                "note": disbursement.decision_reference,
                "created_by": actor["officer_id"],
                "created_at": common.now(),
                "request_hash": request_hash,
            },
        )
        disbursement.status, disbursement.paid_transfer_id = status, transfer_id
        disbursement.paid_on, disbursement.paid_at = paid_on, common.now()
        uow.session.flush()
        uow.emit(disbursement_event("disbursement_paid", fund, disbursement))
        result = common.disbursement_view(disbursement, fund.unit_code)
        uow.remember(result)
        uow.commit()
    business.count("funds", "disbursed_vnd", disbursement.amount_vnd)  # after the commit, never for a replay
    return result


def _in_scope(session, actor, disbursement_id, for_update=False):
    scope = common.scope_path(session, actor)
    found = repository.get_disbursement(
        session, common.parse_uuid(disbursement_id, DisbursementNotFound), scope, for_update=for_update
    )
    if found is None:
        raise DisbursementNotFound(details={"disbursement_id": str(disbursement_id)})
    return found


def disbursement_event(event_type, fund, disbursement):
    payload = {
        "fund_id": fund.id,
        "unit_code": fund.unit_code,
        "unit_path": fund.unit_path,
        "disbursement_id": disbursement.id,
        "kind": disbursement.kind,
        "amount_vnd": disbursement.amount_vnd,
        "purpose": common.purpose_view(disbursement.purpose),
        "proposed_by": disbursement.proposed_by,
    }
    if event_type in ("disbursement_approved", "disbursement_paid"):
        payload["approved_by"] = disbursement.approved_by
    if event_type == "disbursement_paid":
        payload.update(transfer_id=disbursement.paid_transfer_id, paid_on=disbursement.paid_on)
    return make_event(event_type, payload, "funds")


def list_disbursements(uow, actor, fund_id, query):
    with uow:
        fund = common.fund_in_scope(uow.session, actor, fund_id)
        items, total = repository.list_disbursements(
            uow.session, fund.id, query.get("status"), query["page"], query["page_size"]
        )
        reversed_by = repository.reversal_ids(uow.session, [d.paid_transfer_id for d in items])
        return {
            "items": [common.disbursement_view(d, fund.unit_code, reversed_by.get(d.paid_transfer_id)) for d in items],
            "page": query["page"],
            "page_size": query["page_size"],
            "total": total,
        }


def disbursement_view(uow, disbursement_id):
    """Service to service (notifications): the disbursement and the officers concerned (by id)."""
    with uow:
        found = repository.get_disbursement(uow.session, common.parse_uuid(disbursement_id, DisbursementNotFound))
        if found is None:
            raise DisbursementNotFound(details={"disbursement_id": str(disbursement_id)})
        disbursement, fund = found
        view = common.disbursement_view(disbursement, fund.unit_code)
        view["fund_name"] = fund.name
        return view
