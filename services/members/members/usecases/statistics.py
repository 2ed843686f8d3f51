"""Statistics of a unit's subtree: members, active, joined and left in a period, growth."""

from members import domain, repository
from members.usecases import common


def unit_statistics(uow, actor, code, query):
    with uow:
        scope = common.scope_path(uow.session, actor)
        unit = common.unit_in_scope(uow.session, code, scope)
        session, path = uow.session, unit.path
        date_from, date_to = query["date_from"], query["date_to"]
        at_start = repository.members_in_subtree_at_start(session, path, date_from)
        at_end = repository.members_in_subtree_on(session, path, date_to)
        joined, left = repository.membership_events_in_period(session, path, date_from, date_to)
        return {
            "unit_code": unit.code,
            "from": date_from.isoformat(),
            "to": date_to.isoformat(),
            "members_total": at_end,
            "members_active": repository.active_members_in_subtree(session, path),
            "members_at_start": at_start,
            "members_at_end": at_end,
            "joined_in_period": joined,
            "left_in_period": left,
            "growth_percent": domain.growth_percent(at_start, at_end),
        }
