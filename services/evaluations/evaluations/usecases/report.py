"""The evaluations' part of the review report (issue 11): titles of the campaign years that overlap the
period, for a unit's subtree and for each of its direct children as the tree stood in the period.

A record counts under the unit it had on ``date_to`` (``record_unit_history`` after a merge or split),
placed in the tree as it stood that day (``org_unit_paths``): a report of a period before a merge still
shows the old communes with their own titles. Registered, recognised and "all" (``eligible``) are counted
as the statistics count them (``statistics.POPULATION``), the target is the plan's for the year.
"""

from contracts.reports import EvaluationsReportPartSchema
from evaluations import domain, repository
from evaluations.models import ORG_UNIT_PATHS, ORG_UNITS
from evaluations.usecases import common, statistics
from servicekit import orgunits


def review_report_part(uow, policy, actor, query):
    date_from, date_to = query["date_from"], query["date_to"]
    years = list(range(date_from.year, date_to.year + 1))
    with uow:
        session = uow.session
        unit = common.unit_in_scope(session, query["unit_code"], common.scope_path(session, actor))
        tree = orgunits.tree_as_of(session, ORG_UNITS, ORG_UNIT_PATHS, date_to)
        children = orgunits.children_in_period(session, ORG_UNITS, ORG_UNIT_PATHS, unit.code, date_from, date_to)
        figures = _Figures(
            years,
            policy,
            tree,
            repository.title_counts_on(session, years[0], years[-1], date_to),
            repository.active_members_on(session, date_to),
            repository.grassroots_kinds_on(session, date_to),
        )
    return EvaluationsReportPartSchema().dump(
        {
            "titles": figures.titles(tree.get(unit.code, (unit.path,))[0]),
            "by_unit": [{"unit_code": child["code"], "titles": figures.titles(child["path"])} for child in children],
        }
    )


class _Figures:
    """The counts per unit code on ``date_to``, summed over the subtree of a path."""

    def __init__(self, years, policy, tree, title_rows, members, kinds):
        self.years, self.policy = years, policy
        self.subtree = {}  # path -> the codes at or under it on date_to
        for code, (path, _) in tree.items():
            for prefix in repository.ancestors_paths(path):
                self.subtree.setdefault(prefix, []).append(code)
        self.titles_by_unit = {}  # code -> {(title, year): [registered, recognised]}
        for code, title, year, status, count in title_rows:
            cell = self.titles_by_unit.setdefault(code, {}).setdefault((title, year), [0, 0])
            cell[0] += count
            cell[1] += count if status == domain.RECOGNISED else 0
        self.members = members
        self.kinds = kinds

    def _codes(self, path, counted):
        return [code for code in self.subtree.get(path, ()) if code in counted]

    def titles(self, path):
        counts = {}
        for code in self._codes(path, self.titles_by_unit):
            for key, (registered, recognised) in self.titles_by_unit[code].items():
                cell = counts.setdefault(key, [0, 0])
                cell[0] += registered
                cell[1] += recognised
        rows = []
        for title, (basis, kinds) in statistics.POPULATION.items():
            eligible = self._eligible(path, basis, kinds)
            targets = self.policy.targets.get(title, [])
            for year in self.years:
                registered, recognised = counts.get((title, year), (0, 0))
                rows.append(
                    {
                        "title_type": title,
                        "year": year,
                        "registered": registered,
                        "recognised": recognised,
                        "percent_of_registered": domain.percent(recognised, registered),
                        "eligible": eligible,
                        "percent_of_all": domain.percent(recognised, eligible),
                        "target_percent": domain.target_percent(targets, year),
                    }
                )
        return rows

    def _eligible(self, path, basis, kinds):
        if basis == "active_members":
            return sum(self.members[code] for code in self._codes(path, self.members))
        if kinds:
            return sum(1 for code in self._codes(path, self.kinds) if self.kinds[code] in kinds)
        return None
