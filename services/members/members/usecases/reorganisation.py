"""Reorganisation of units: merges and splits, their dry run, and the record of those applied.

The plan is checked and computed as a whole first (``reorganisation_plans``); the dry run returns it and
writes nothing, the real run carries out every operation in one transaction and emits one ``units_merged``
or ``unit_split`` per operation through the outbox (never a ``member_transferred`` per member). An operation
already applied (same kind, date and units: the same ``operation_id``) is reported ``already_applied`` and
changes nothing. Members keep their history: see ``reorganisation_moves``.
"""

from sqlalchemy import select

from contracts.envelope import make_event
from contracts.errors import Conflict
from contracts.reorganisation import ReorganisationResultSchema, ReorganisationSchema
from members import domain
from members.models import UNIT_PATHS, Reorganisation, Unit
from members.usecases import common, units
from members.usecases import reorganisation_moves as moves
from members.usecases.reorganisation_plans import plan_operations
from servicekit.orgunits import apply_reorganisation

SOURCE = "members"


def preview_reorganisation(uow, actor, plan):
    """What ``reorganise`` would do with ``plan``; nothing is written (the transaction is rolled back)."""
    with uow:
        effective_on, plans = plan_operations(uow.session, actor, plan, lock=False)
        return _result(plan, effective_on, [_summary(p) for p in plans], dry_run=True)


def reorganise(uow, actor, plan):
    """Apply every operation of ``plan`` in one transaction: all of them, or none."""
    with uow:
        effective_on, plans = plan_operations(uow.session, actor, plan, lock=True)
        summaries = [_summary(p) if p.applied else _apply(uow, actor, plan, effective_on, p) for p in plans]
        result = _result(plan, effective_on, summaries, dry_run=False)
        uow.commit()
    return result


def list_reorganisations(uow, actor):
    """The operations applied in the actor's subtree, newest first."""
    with uow:
        scope = common.scope_path(uow.session, actor)
        records = uow.session.execute(
            select(Reorganisation)
            .where(Reorganisation.unit_path.like(scope + "%"))
            .order_by(Reorganisation.applied_at.desc(), Reorganisation.id)
        ).scalars()
        return {"items": [_record_view(record) for record in records]}


def _summary(plan):
    return plan.applied if plan.applied is not None else plan.summary()


def _result(plan, effective_on, summaries, dry_run):
    return ReorganisationResultSchema().dump(
        {
            "dry_run": dry_run,
            "effective_on": effective_on,
            "decision_ref": plan.get("decision_ref"),
            "operations": summaries,
            "services": [],
        }
    )


def _apply(uow, actor, plan, effective_on, operation):
    session, now = uow.session, common.now()
    for target in operation.created:
        _create(uow, target)
    moved = {}
    for move in operation.member_moves:
        target, member_ids = move.target, None if move.every else move.member_ids
        count = moves.move_members(session, move.from_unit, target.code, target.path, effective_on, now, member_ids)
        moved[target.code] = moved.get(target.code, 0) + count
    for old_prefix, new_prefix in operation.subtree_moves:
        moves.repath_subtree(session, old_prefix, new_prefix, effective_on, now)
    event_type, payload = _event(plan, effective_on, operation)
    apply_reorganisation(session, Unit.__table__, UNIT_PATHS, event_type, payload)
    closed = [unit.code for unit in operation.closed]
    operation.officers, operation.clients = moves.repoint_accounts(session, closed, operation.successor.code)
    summary = {**operation.summary(), "moved_members": sum(moved.values())}
    summary["members_by_target"] = {code: moved.get(code, 0) for code in summary["members_by_target"]}
    session.add(
        Reorganisation(
            id=operation.id,
            kind=operation.kind,
            effective_on=effective_on,
            decision_ref=plan.get("decision_ref"),
            unit_code=operation.unit.code,
            unit_path=operation.unit.path,
            closed_units=closed,
            created_units=summary["created_units"],
            applied_by=actor.get("username"),
            applied_at=now,
            summary=summary,
        )
    )
    uow.emit(make_event(event_type, payload, SOURCE))
    return summary


def _create(uow, target):
    """A target the split creates, with the code its plan gave it (the parent is locked since)."""
    session = uow.session
    parent = session.get(Unit, target.parent_code)
    if target.level == "GRASSROOTS":
        unit = units._add_grassroots(session, parent, {"name": target.name, "kind": target.kind})
        unit.valid_from = target.valid_from
    else:
        unit = Unit(
            code=target.code,
            name=target.name,
            name_folded=domain.fold_name(target.name),
            level=target.level,
            kind=None,
            parent_code=parent.code,
            path=target.path,
            valid_from=target.valid_from,
            committees={},
            grassroots_issued=0,
        )
        session.add(unit)
    session.flush()
    if (unit.code, unit.path) != (target.code, target.path):
        raise Conflict(
            "The tree changed while the plan was applied: try again.",
            {"unit_code": target.code},
            "Cây tổ chức vừa thay đổi trong lúc thực hiện phương án: hãy thử lại.",
        )
    uow.emit(units.unit_created_event(unit))


def _event(plan, effective_on, operation):
    payload = {
        "reorganisation_id": operation.id,
        "effective_on": effective_on,
        "decision_ref": plan.get("decision_ref"),
        "moved_units": operation.moved_units,
    }
    if operation.kind == "MERGE":
        payload.update(
            survivor_code=operation.unit.code,
            survivor_path=operation.unit.path,
            merged=[{"unit_code": unit.code, "unit_path": unit.path} for unit in operation.merged],
        )
        return "units_merged", payload
    source, successor = operation.unit, operation.successor
    payload.update(
        source_code=source.code,
        source_path=source.path,
        source_closed=not operation.keep_source,
        successor_code=successor.code,
        successor_path=successor.path,
        targets=[target.event_view() for target in operation.targets],
        moved_members=[
            {"member_id": member_id, "to_unit_code": move.target.code, "to_unit_path": move.target.path}
            for move in operation.member_moves
            for member_id in move.member_ids
        ],
    )
    return "unit_split", payload


def _record_view(record):
    merge = record.kind == "MERGE"
    return ReorganisationSchema().dump(
        {
            "reorganisation_id": str(record.id),
            "kind": record.kind,
            "effective_on": record.effective_on,
            "decision_ref": record.decision_ref,
            "survivor_code": record.unit_code if merge else None,
            "source_code": None if merge else record.unit_code,
            "units": [*record.closed_units, *record.created_units],
            "applied_by": record.applied_by,
            "applied_at": record.applied_at,
        }
    )
