"""Reorganisation of units (issue 11): the funds service follows ``units_merged`` and ``unit_split``, and
answers the dry run of a plan for its part.

When a unit is closed (merged into a survivor, or a split source closed), each of its open funds hands its
whole balance to a fund of the survivor (the successor of a split) by ledger transfers, then is closed and
marked ``merged_into_id``: nothing new is posted to it, and its history stays readable and reportable under
the old unit. The structure is kept: a general fund goes to the survivor's general fund, any other to the
survivor's fund of the same kind and name; either is created when the survivor has none. Each balance,
unrestricted or earmarked for a purpose, moves by its own transfer, all of them in the one transaction
that claims the event, with ids derived from the reorganisation and the fund: a redelivered event changes
nothing. Units that only moved (below a merged unit) keep their funds; the funds' copied path follows.
"""

from contracts.errors import PermissionDenied
from contracts.reorganisation import ServicePreviewSchema
from funds import domain, ledger, repository, repository_review
from funds.models import ORG_UNIT_PATHS, ORG_UNITS, Fund
from funds.usecases import common
from funds.usecases.transfers import fund_transfer_event
from servicekit import orgunits

GENERAL = "GENERAL"


def follow_reorganisation(uow, consumer, envelope, payload):
    """The whole handler of ``units_merged`` and ``unit_split``: claim, follow, commit."""
    with uow:
        if uow.claim(consumer, envelope):
            session = uow.session
            orgunits.apply_reorganisation(session, ORG_UNITS, ORG_UNIT_PATHS, envelope["event_type"], payload)
            for moved in payload.get("moved_units") or ():
                repository_review.move_fund_paths(session, moved["unit_code"], moved["to_path"])
            closed, heir = _closed_and_heir(envelope["event_type"], payload)
            for fund in repository_review.open_funds_of(session, closed):
                _hand_over(uow, payload, fund, heir)
        uow.commit()


def _closed_and_heir(event_type, payload):
    """The codes of the units closed, and ``(code, path)`` of the unit that takes their funds."""
    if event_type == "unit_split":
        closed = [payload["source_code"]] if payload["source_closed"] else []
        return closed, (payload["successor_code"], payload["successor_path"])
    closed = [unit["unit_code"] for unit in payload["merged"] if unit["unit_code"] != payload["survivor_code"]]
    return closed, (payload["survivor_code"], payload["survivor_path"])


def _hand_over(uow, payload, fund, heir):
    session, reorganisation_id = uow.session, str(payload["reorganisation_id"])
    target = _target_fund(session, fund, heir, reorganisation_id)
    on = _transfer_day(session, fund, payload["effective_on"])
    states = repository.account_states(session, [fund.id])
    for purpose, amount in sorted(_cash_by_purpose(fund, states).items()):
        transfer_id = f"reorg:{reorganisation_id}:{fund.id}:{purpose or '-'}"
        transfer = domain.fund_transfer(transfer_id, str(fund.id), str(target.id), amount, purpose)
        ledger.apply(session, transfer, _record(fund, target, amount, purpose, on, reorganisation_id))
        uow.emit(fund_transfer_event(transfer_id, fund, target, amount, purpose, on))
    repository_review.repoint_pending_disbursements(session, fund.id, target.id)
    fund.closed_at, fund.merged_into_id = common.now(), target.id
    session.flush()


def _target_fund(session, fund, heir, reorganisation_id):
    """The heir's fund that takes this fund's money: its general fund for a general fund, else its fund of
    the same kind and name; created (empty) when it has none."""
    code, path = heir
    name = None if fund.kind == GENERAL else fund.name
    target = repository_review.open_fund_like(session, code, fund.kind, name)
    if target is not None:
        return target
    unit_name = repository.unit_names(session, [code]).get(code) or code
    target = Fund(
        unit_code=code,
        unit_path=path,
        name=f"Quỹ Khuyến học {unit_name}" if fund.kind == GENERAL else fund.name,
        kind=fund.kind,
        donor_name=fund.donor_name,
        description=fund.description,
        created_by=f"reorganisation:{reorganisation_id}",
        created_at=common.now(),
    )
    repository.add(session, target)
    return target


def _transfer_day(session, fund, effective_on):
    """The day the money moves: the effective date, never before the fund's last movement (its balance on
    every day stays what it held) and never after today (spending it from the heir cannot precede it)."""
    day = min(effective_on, common.today())
    last = repository_review.last_movement_day(session, fund.id)
    return max(day, last) if last else day


def _cash_by_purpose(fund, states):
    """``{purpose: money held}`` of the fund, the purposes that hold something."""
    held = {}
    for key, state in states.items():
        if key.kind == domain.AccountKind.CASH and key.fund_id == str(fund.id):
            amount = domain.balance(key, state)
            if amount > 0:
                held[key.purpose] = held.get(key.purpose, 0) + amount
    return held


def _record(fund, target, amount, purpose, on, reorganisation_id):
    request = {"fund_id": str(fund.id), "to_fund_id": str(target.id), "amount_vnd": amount, "purpose": purpose}
    return {
        "fund_id": fund.id,
        "counter_fund_id": target.id,
        "amount_vnd": amount,
        "purpose": purpose,
        "occurred_on": on,
        "note": f"Sáp nhập, tổ chức lại đơn vị (reorganisation {reorganisation_id})",
        "created_by": f"reorganisation:{reorganisation_id}",
        "created_at": common.now(),
        "request_hash": ledger.request_hash("reorganisation", request),
    }


# --- the dry run -----------------------------------------------------------------------------------------


def preview_reorganisation(uow, actor, plan):
    """What the plan would move in funds: one item per open fund of a unit it closes (ADMIN only; every
    unit the plan names that funds knows must be in the actor's scope, else ``UnitNotFound``)."""
    if actor["role"] != "ADMIN":
        raise PermissionDenied()
    with uow:
        session = uow.session
        scope = common.scope_path(session, actor)
        items = []
        for operation in plan["operations"]:
            closed, heir = _planned(session, operation, scope)
            funds = repository_review.open_funds_of(session, closed) if closed else []
            states = repository.account_states(session, [fund.id for fund in funds])
            items += [
                {
                    "what": "fund",
                    "from_unit_code": fund.unit_code,
                    "to_unit_code": heir,
                    "count": 1,
                    "amount": sum(_cash_by_purpose(fund, states).values()),
                    "label": fund.name,
                }
                for fund in funds
            ]
        return ServicePreviewSchema().dump({"service": "funds", "items": items})


def _planned(session, operation, scope):
    """``(codes closed, code of the heir)`` of one planned operation, its units checked against the scope."""
    if operation["kind"] == "MERGE":
        survivor = operation["survivor_code"]
        orgunits.unit_in_scope(session, ORG_UNITS, survivor, scope)
        closed = [code for code in dict.fromkeys(operation["merged_codes"]) if code != survivor]
        for code in closed:
            orgunits.unit_in_scope(session, ORG_UNITS, code, scope)
        return closed, survivor
    orgunits.unit_in_scope(session, ORG_UNITS, operation["source_code"], scope)
    targets = {target["key"]: target for target in operation["targets"]}
    key = operation.get("successor") or operation.get("default_target") or operation["targets"][0]["key"]
    heir = targets[key].get("code") or key
    if targets[key].get("code") and orgunits.get_unit(session, ORG_UNITS, heir) is not None:
        orgunits.unit_in_scope(session, ORG_UNITS, heir, scope)
    return ([] if operation["keep_source"] else [operation["source_code"]]), heir
