"""The members part of the review report (issue 11): members and activities of a unit's subtree in a period,
with one row per direct child of the unit as the tree stood in the period (contracts.reports).

Rows are counted where they were recorded: a membership under the unit path it had (the memberships keep
the history of transfers and reorganisations), an activity under its unit's path when it was recorded. So a
commune merged away still shows its members and activities for a period before the merge. Each figure is one
query grouped by recorded path for the whole subtree; every path is then given to the child it lay under
(a child's paths in the period: its current one and its earlier ones from ``org_unit_paths``).

Members are counted as ``unit_statistics`` counts them (the same conditions in the repository): at_start =
memberships held when the period opens, i.e. open on the day before ``date_from`` (a member who joins on the
first day is new, not there at the start; one who leaves that day has left in the period), except that a
reorganisation effective on the first day counts its members under their new unit (a survivor does not
"grow" by the communes merged into it on 1 July); at_end = open on ``date_to``; joined = memberships started
in the period as JOINED or REJOINED (never a transfer or a move of units); left = memberships ended LEFT in
the period. Party members are a total only: members on ``date_to`` recorded as Party members.
"""

from collections import Counter, defaultdict
from datetime import timedelta

from contracts.reports import ACTIVITY_KINDS, MembersReportPartSchema
from members import domain, repository
from members.models import UNIT_PATHS, Unit
from members.usecases import common
from servicekit.orgunits import children_in_period

TOTAL = None  # the key of the whole subtree's figures, beside the children's codes
MEASURES = ("records", "sessions", "participants")


def review_report_part(uow, actor, query):
    with uow:
        session = uow.session
        unit = common.unit_in_scope(session, query["unit_code"], common.scope_path(session, actor))
        date_from, date_to = query["date_from"], query["date_to"]
        children = children_in_period(session, Unit.__table__, UNIT_PATHS, unit.code, date_from, date_to)
        paths = _paths_in_period(session, [unit.code, *(c["code"] for c in children)], date_from, date_to)
        owner = _owners({child["code"]: paths[child["code"]] for child in children})
        prefixes = _outermost([*paths[unit.code], *(p for c in children for p in paths[c["code"]])])
        members = _tally_members(session, prefixes, owner, date_from, date_to)
        activities = _tally_activities(session, prefixes, owner, date_from, date_to)
        own = {**_unit_row(unit), "path": paths[unit.code][-1]}
        return MembersReportPartSchema().dump(
            {
                "unit": own,
                "members": _members_view(members[TOTAL]),
                "activities": _activities_view(activities[TOTAL]),
                "by_unit": [
                    {
                        "unit": child,
                        "members": _members_view(members[child["code"]]),
                        "activities": _activities_view(activities[child["code"]]),
                    }
                    for child in children
                ],
            }
        )


def _paths_in_period(session, codes, date_from, date_to):
    """{code: the paths the unit had on some day of the period, the one it had last (on date_to) last}."""
    current = {u.code: u.path for u in repository.units_by_code(session, codes).values()}
    earlier = repository.earlier_paths(session, codes)
    return {code: paths_held(current[code], earlier.get(code, ()), date_from, date_to) for code in codes}


def paths_held(current, earlier, date_from, date_to):
    """The paths held in the period, given the earlier ones as (last day, path) oldest first: each held from
    the day after the previous one's last day; the current one after the last of them."""
    held, start = [], None
    for valid_until, path in earlier:
        if valid_until >= date_from and (start is None or start <= date_to):
            held.append(path)
        start = valid_until + timedelta(days=1)
    if start is None or start <= date_to:
        held.append(current)
    return held


def _owners(child_paths):
    """A function giving a recorded path the child it lay under (None: the unit itself or nobody)."""
    by_path = {path: code for code, paths in child_paths.items() for path in paths}

    def owner(path):
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            code = by_path.get("/" + "/".join(parts[:depth]) + "/")
            if code is not None:
                return code
        return None

    return owner


def _outermost(paths):
    """The paths not inside another of them: the prefixes one query needs."""
    ordered = sorted(set(paths))
    kept = []
    for path in ordered:
        if not any(path.startswith(outer) for outer in kept):
            kept.append(path)
    return kept


def _tally_members(session, prefixes, owner, date_from, date_to):
    figures = {
        "at_start": repository.memberships_at_start_by_path(session, prefixes, date_from),
        "at_end": repository.memberships_open_by_path(session, prefixes, date_to),
        "joined": repository.joined_by_path(session, prefixes, date_from, date_to),
        "left": repository.left_by_path(session, prefixes, date_from, date_to),
        "party_members": repository.party_members_by_path(session, prefixes, date_to),
    }
    tally = defaultdict(Counter)
    for figure, by_path in figures.items():
        for path, count in by_path.items():
            for key in {TOTAL, owner(path)}:
                tally[key][figure] += count
    return tally


def _tally_activities(session, prefixes, owner, date_from, date_to):
    tally = defaultdict(Counter)
    for path, kind, *values in repository.activity_figures_by_path(session, prefixes, date_from, date_to):
        for key in {TOTAL, owner(path)}:
            for measure, value in zip(MEASURES, values, strict=True):
                tally[key][kind, measure] += int(value)
    return tally


def _members_view(counts):
    return {
        "at_start": counts["at_start"],
        "at_end": counts["at_end"],
        "joined": counts["joined"],
        "left": counts["left"],
        "growth_percent": domain.growth_percent(counts["at_start"], counts["at_end"]),
        "party_members": counts["party_members"],
    }


def _activities_view(counts):
    return [{"kind": kind, **{measure: counts[kind, measure] for measure in MEASURES}} for kind in ACTIVITY_KINDS]


def _unit_row(unit):
    return {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "path": unit.path,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
    }
