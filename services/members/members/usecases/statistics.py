"""Statistics of a unit's subtree: members, active, joined and left in a period, growth."""

from datetime import timedelta

from members import domain, repository
from members.usecases import common


def unit_statistics(uow, actor, code, query):
    with uow:
        scope = common.scope_path(uow.session, actor)
        unit = common.unit_in_scope(uow.session, code, scope)
        session, path = uow.session, unit.path
        date_from, date_to = query["date_from"], query["date_to"]
        start, end = period_edges(date_from, date_to)
        at_start = repository.members_in_subtree_on(session, path, start)
        at_end = repository.members_in_subtree_on(session, path, end)
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


def period_edges(date_from, date_to):
    """The days on which open memberships are the members at the start and at the end of a period (the review
    report counts the same way). "At the start" is the day before the period, so that members who join on
    its first day count as new and not at the start; at_end = at_start + joined - left ± transfers."""
    return date_from - timedelta(days=1), date_to
