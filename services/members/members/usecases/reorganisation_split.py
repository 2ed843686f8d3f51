"""The plan of a SPLIT: the source hands its members and sub-units to its targets, existing or new."""

import uuid

from contracts.errors import UnitNotFound
from contracts.members import GRASSROOTS_KINDS
from contracts.reorganisation import operation_id
from members import domain
from members.usecases import reorganisation_moves as moves
from members.usecases.reorganisation_plans import MemberMove, OperationPlan, Target

MAX_UNKNOWN_REPORTED = 20  # a mapping file can name thousands of members: the first unknown ones say enough


def plan_split(context, index, operation):
    """The plan of one split, or None when it breaks a rule (the problems are in ``context``)."""
    source_code, specs = operation["source_code"], operation["targets"]
    units = context.units([source_code, *(t["code"] or t["key"] for t in specs)], required=[source_code])
    source = units[source_code]
    keys = sorted(t["key"] for t in specs)
    plan = OperationPlan(
        index,
        "SPLIT",
        operation_id("SPLIT", context.effective_on, [source_code, *keys]),
        source,
        keep_source=operation["keep_source"],
    )
    plan.applied = context.applied(plan.id)
    if plan.applied is not None:
        return plan
    context.check_open(index, "source_code", source)
    if context.has_problems(index):
        return None
    plan.targets = [_target(context, index, number, spec, source, units) for number, spec in enumerate(specs)]
    _check_distinct(context, index, plan.targets)
    if context.has_problems(index):
        return None
    _assign(context, index, operation, plan)
    return None if context.has_problems(index) else plan


def _target(context, index, number, spec, source, units):
    existing = units.get(spec["code"] or spec["key"])
    if existing is not None:
        if existing.code == source.code:
            context.problem(index, f"targets.{number}.code", "target_is_source", source.code)
        else:
            context.check_open(index, f"targets.{number}.code", existing)
            if existing.level != source.level:
                context.problem(index, f"targets.{number}.code", "level_mismatch", existing.code)
        return Target.of(existing, spec["key"])
    return _new_target(context, index, number, spec, source)


def _new_target(context, index, number, spec, source):
    parent = context.units([source.parent_code], required=[source.parent_code])[source.parent_code]
    field, code, kind = f"targets.{number}", spec["code"], None
    if source.level == domain.Level.GRASSROOTS:
        if code:  # grassroots codes are issued by the platform: a code names a unit that exists
            raise UnitNotFound(details={"unit_code": code})
        kind = spec["kind"] or source.kind
        if kind not in GRASSROOTS_KINDS:
            context.problem(index, f"{field}.kind", "invalid_kind")
        issued = context.issued[parent.code] = context.issued.get(parent.code, 0) + 1
        code = domain.grassroots_code(parent.code, parent.grassroots_issued + issued)
    elif not code:
        context.problem(index, f"{field}.code", "code_required")
    elif domain.level_of_code(code) != source.level:
        context.problem(index, f"{field}.code", "invalid_code", code)
    elif not domain.level_in_force(source.level, context.effective_on):
        context.problem(index, f"{field}.code", "level_not_in_force", code)
    if not spec["name"]:
        context.problem(index, f"{field}.name", "name_required")
    if context.has_problems(index):
        return None
    name = domain.normalise_full_name(spec["name"])
    path = domain.unit_path(parent.path, code)
    return Target(spec["key"], code, path, parent.code, source.level, kind, name, context.effective_on, new=True)


def _check_distinct(context, index, targets):
    codes = [t.code for t in targets if t is not None]
    for code in {c for c in codes if codes.count(c) > 1}:
        context.problem(index, "targets", "duplicate_target", code)


def _member_key(key):
    try:
        return str(uuid.UUID(key))
    except ValueError:
        return key


def _assign(context, index, operation, plan):
    """Members and sub-units of the source to their targets: as assigned, else to the default target
    (else, when the source is kept, they stay)."""
    session, source = context.session, plan.unit
    members = moves.members_of(session, source)
    member_by_key = {str(member_id): member_id for member_id, _ in members}
    member_by_key.update({card: member_id for member_id, card in members})
    sub_units = moves.children(session, source.code)
    target_by_key = {t.key: t for t in plan.targets}
    member_target, unit_target, unknown = {}, {}, []
    for key, value in operation["assignments"].items():
        if key in {unit.code for unit in sub_units}:
            unit_target[key] = target_by_key[value]
        elif _member_key(key) in member_by_key:
            member_target[member_by_key[_member_key(key)]] = target_by_key[value]
        else:
            unknown.append(key)
    for key in unknown[:MAX_UNKNOWN_REPORTED]:
        context.problem(index, f"assignments.{key}", "unknown_assignment")
    default = target_by_key.get(operation["default_target"])
    unassigned = [m for m, _ in members if m not in member_target] + [u for u in sub_units if u.code not in unit_target]
    if unassigned and default is None and not plan.keep_source:
        context.problem(index, "default_target", "default_target_required")
    successor_key = operation["successor"] or operation["default_target"]
    plan.successor = (
        target_by_key[successor_key] if successor_key else (Target.of(source) if plan.keep_source else None)
    )
    if plan.successor is None:
        context.problem(index, "successor", "successor_required")
    if not context.has_problems(index):
        _fill(session, plan, members, member_target, sub_units, unit_target, default)


def _fill(session, plan, members, member_target, sub_units, unit_target, default):
    source = plan.unit
    plan.closed = [] if plan.keep_source else [source]
    plan.roots = [source.path]
    plan.named = {source.code, *(t.code for t in plan.targets)}
    groups = {}
    for member_id, _ in members:
        target = member_target.get(member_id, default)
        if target is not None:
            groups.setdefault(target.key, []).append(member_id)
    # The default target's group last, in one statement: every member still in the source by then.
    ordered = sorted((t for t in plan.targets if t.key in groups), key=lambda t: t is default)
    plan.member_moves = [MemberMove(source, t, groups[t.key], len(groups[t.key]), t is default) for t in ordered]
    for unit in sub_units:
        target = unit_target.get(unit.code, default)
        if target is None:
            continue
        prefix = domain.unit_path(target.path, unit.code)
        plan.subtree_moves.append((unit.path, prefix))
        plan.moved_units.append(
            {"unit_code": unit.code, "parent_code": target.code, "from_path": unit.path, "to_path": prefix}
        )
        for code, parent_code, path in moves.descendants(session, unit):
            plan.moved_units.append(
                {
                    "unit_code": code,
                    "parent_code": parent_code,
                    "from_path": path,
                    "to_path": prefix + path[len(unit.path) :],
                }
            )
    if not plan.keep_source:
        plan.officers, plan.clients = moves.account_counts(session, [source.code])
