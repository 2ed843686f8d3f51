"""The plan of a MERGE: the merged units close and everything they hold goes to the survivor."""

from contracts.reorganisation import operation_id
from members.usecases import reorganisation_moves as moves
from members.usecases.reorganisation_plans import MemberMove, OperationPlan, Target


def plan_merge(context, index, operation):
    """The plan of one merge, or None when it breaks a rule (the problems are in ``context``)."""
    survivor_code = operation["survivor_code"]
    # The 2025 reform lists the survivor among the units merged: it is not merged into itself.
    merged_codes = sorted(set(operation["merged_codes"]) - {survivor_code})
    units = context.units([survivor_code, *merged_codes], required=[survivor_code, *merged_codes])
    survivor = units[survivor_code]
    plan = OperationPlan(
        index,
        "MERGE",
        operation_id("MERGE", context.effective_on, [survivor_code, *merged_codes]),
        survivor,
        named={survivor_code, *merged_codes},
    )
    if not merged_codes:
        context.problem(index, "merged_codes", "nothing_to_merge")
        return None
    plan.applied = context.applied(plan.id)
    if plan.applied is not None:
        return plan
    plan.merged = [units[code] for code in merged_codes]
    _check(context, index, survivor, plan.merged)
    if context.has_problems(index):
        return None
    _fill(context.session, plan)
    return plan


def _check(context, index, survivor, merged):
    context.check_open(index, "survivor_code", survivor)
    for unit in merged:
        context.check_open(index, "merged_codes", unit)
        if unit.level != survivor.level:
            context.problem(index, "merged_codes", "level_mismatch", unit.code)


def _fill(session, plan):
    survivor = plan.unit
    target = Target.of(survivor)
    plan.targets, plan.successor, plan.closed = [target], target, list(plan.merged)
    plan.roots = [unit.path for unit in plan.merged]
    for unit in plan.merged:
        plan.member_moves.append(MemberMove(unit, target, None, moves.member_count(session, unit), every=True))
        plan.subtree_moves.append((unit.path, survivor.path))
        for code, parent_code, path in moves.descendants(session, unit):
            plan.moved_units.append(
                {
                    "unit_code": code,
                    "parent_code": survivor.code if parent_code == unit.code else parent_code,
                    "from_path": path,
                    "to_path": survivor.path + path[len(unit.path) :],
                }
            )
    plan.officers, plan.clients = moves.account_counts(session, [unit.code for unit in plan.merged])
