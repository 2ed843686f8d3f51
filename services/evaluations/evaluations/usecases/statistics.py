"""Statistics of a unit's subtree for a year, per title: registered, how far they went, recognised, the
percentages of registered and of all, and the targets of Decisions 387 and 677 (configuration).

"All" is what this service can count itself: for Công dân học tập the ACTIVE members of the subtree in its
projection; for clans, villages and organisations the grassroots units of that kind in its org tree. It
does not know every household, clan, village or organisation of the population (many have no unit):
``all_basis`` says what was counted, and ``all`` is null for households.
"""

from evaluations import domain, repository
from evaluations.usecases import common

POPULATION = {
    "CONG_DAN_HOC_TAP": ("active_members", None),
    "GIA_DINH_HOC_TAP": ("unknown", None),
    "DONG_HO_HOC_TAP": ("clan_units", ("CLAN",)),
    "CONG_DONG_HOC_TAP": ("village_units", ("VILLAGE",)),
    "DON_VI_HOC_TAP": ("organisation_units", ("AGENCY", "SCHOOL", "ENTERPRISE")),
}


def evaluation_statistics(uow, policy, actor, code, query):
    year = query["year"]
    with uow:
        unit = common.unit_in_scope(uow.session, code, common.scope_path(uow.session, actor))
        counts = repository.status_counts(uow.session, unit.path, year)
        titles = [_title(uow.session, policy, unit.path, title, counts) for title in POPULATION]
    return {"unit_code": unit.code, "year": year, "titles": titles}


def _title(session, policy, path, title, counts):
    by_status = {status: counts.get((title, status), 0) for status in
                 ("REGISTERED", "SELF_ASSESSED", "REVIEWED", "RECOGNISED", "NOT_RECOGNISED")}
    registered = sum(by_status.values())
    basis, kinds = POPULATION[title]
    if basis == "active_members":
        population = repository.count_active_members(session, path)
    elif kinds:
        population = repository.count_units(session, path, kinds)
    else:
        population = None
    recognised = by_status["RECOGNISED"]
    return {
        "title_type": title,
        "registered": registered,
        "self_assessed": registered - by_status["REGISTERED"],
        "reviewed": by_status["REVIEWED"] + recognised + by_status["NOT_RECOGNISED"],
        "recognised": recognised,
        "not_recognised": by_status["NOT_RECOGNISED"],
        "percent_of_registered": domain.percent(recognised, registered),
        "all": population,
        "all_basis": basis,
        "percent_of_all": domain.percent(recognised, population),
        "targets": policy.targets.get(title, []),
    }
