"""The evaluations' part of the review report on SQLite and PostgreSQL: a commune whose titles, members
and units are known, and the figures of the report to the unit (registered, recognised, percentages,
"all" and the plan's targets per title and campaign year, for the commune and each of its children)."""

import uuid
from datetime import date

import pytest

from contracts.errors import UnitNotFound
from evaluations.usecases import projection, report

PERIOD = {"unit_code": "00070", "date_from": date(2025, 7, 1), "date_to": date(2026, 6, 30)}
ADMIN = {"officer_id": "t-admin", "username": "t.admin", "role": "ADMIN", "unit_code": "01"}


def citizen(member_id, year=2026):
    return {"title_type": "CONG_DAN_HOC_TAP", "year": year, "form_code": "RESIDENT",
            "subject": {"kind": "PERSON", "member_id": str(member_id)}}


def unit_subject(title, kind, code):
    return {"title_type": title, "year": 2026, "subject": {"kind": kind, "unit_code": code}}


@pytest.fixture
def commune(uow, unit, member, campaign, evaluate):
    """00070 with villages V1, V2 and a school S; six active members (three in V1, one in V2, one in the
    commune itself, one in S) and one who left; titles of 2025 and 2026 in known states."""
    v1, v2, school = unit("VILLAGE"), unit("VILLAGE"), unit("SCHOOL")
    m = [member(v1, f"/VN/01/00070/{v1}/") for _ in range(3)]
    m += [member(v2, f"/VN/01/00070/{v2}/"), member(), member(school, f"/VN/01/00070/{school}/")]
    gone = member(v2, f"/VN/01/00070/{v2}/")
    projection.record_member_event(uow(), "evaluations", {"event_id": uuid.uuid4(), "event_type": "member_left"},
                                   {"member_id": gone, "member_version": 2, "unit_code": v2,
                                    "unit_path": f"/VN/01/00070/{v2}/"})
    campaign(year=2025)
    campaign(year=2026)
    evaluate(citizen(m[0], 2025), on=date(2025, 10, 1))
    for member_id, last in zip(m, ("RECOGNISED", "RECOGNISED", "REGISTERED", "RECOGNISED", "NOT_RECOGNISED"),
                               strict=False):
        evaluate(citizen(member_id), last)
    evaluate(unit_subject("CONG_DONG_HOC_TAP", "VILLAGE", v1))
    evaluate(unit_subject("CONG_DONG_HOC_TAP", "VILLAGE", v2), "SELF_ASSESSED")
    evaluate(unit_subject("DON_VI_HOC_TAP", "ORGANISATION", school), "REGISTERED")
    evaluate({"title_type": "GIA_DINH_HOC_TAP", "year": 2026,
              "subject": {"kind": "HOUSEHOLD", "unit_code": "00070", "name": "Hộ số 12 phố Hàng Bạc"}})
    return {"V1": v1, "V2": v2, "S": school}


def figures(rows, title, year):
    row = next(r for r in rows if r["title_type"] == title and r["year"] == year)
    return (row["registered"], row["recognised"], row["percent_of_registered"], row["eligible"],
            row["percent_of_all"], row["target_percent"])


def test_the_commune_totals_are_counted_per_title_and_campaign_year(uow, policy, commune):
    titles = report.review_report_part(uow(), policy, ADMIN, PERIOD)["titles"]
    assert figures(titles, "CONG_DAN_HOC_TAP", 2025) == (1, 1, 100.0, 6, 16.67, 40.0)
    assert figures(titles, "CONG_DAN_HOC_TAP", 2026) == (5, 3, 60.0, 6, 50.0, 70.0)
    assert figures(titles, "CONG_DONG_HOC_TAP", 2026) == (2, 1, 50.0, 2, 50.0, 75.0)
    assert figures(titles, "DON_VI_HOC_TAP", 2026) == (1, 0, 0.0, 1, 0.0, 90.0)
    assert figures(titles, "GIA_DINH_HOC_TAP", 2026) == (1, 1, 100.0, None, None, 80.0)
    assert figures(titles, "DONG_HO_HOC_TAP", 2025) == (0, 0, None, 0, None, 65.0)
    assert len(titles) == 10  # five titles, two campaign years


def test_each_child_of_the_commune_has_the_titles_of_its_own_subtree(uow, policy, commune):
    part = report.review_report_part(uow(), policy, ADMIN, PERIOD)
    rows = {row["unit_code"]: row["titles"] for row in part["by_unit"]}
    assert list(rows) == sorted(commune.values())
    assert figures(rows[commune["V1"]], "CONG_DAN_HOC_TAP", 2026) == (3, 2, 66.67, 3, 66.67, 70.0)
    assert figures(rows[commune["V1"]], "CONG_DAN_HOC_TAP", 2025) == (1, 1, 100.0, 3, 33.33, 40.0)
    assert figures(rows[commune["V2"]], "CONG_DAN_HOC_TAP", 2026) == (1, 1, 100.0, 1, 100.0, 70.0)
    assert figures(rows[commune["V2"]], "CONG_DONG_HOC_TAP", 2026) == (1, 0, 0.0, 1, 0.0, 75.0)
    assert figures(rows[commune["S"]], "CONG_DAN_HOC_TAP", 2026) == (0, 0, None, 1, 0.0, 70.0)
    assert figures(rows[commune["S"]], "DON_VI_HOC_TAP", 2026) == (1, 0, 0.0, 1, 0.0, 90.0)


def test_the_province_row_of_the_commune_equals_the_commune_report(uow, policy, commune):
    province = report.review_report_part(uow(), policy, ADMIN, {**PERIOD, "unit_code": "01"})
    row = next(row for row in province["by_unit"] if row["unit_code"] == "00070")
    assert row["titles"] == report.review_report_part(uow(), policy, ADMIN, PERIOD)["titles"]


def test_a_period_of_one_year_reports_that_campaign_year_only(uow, policy, commune):
    period = {**PERIOD, "date_from": date(2026, 1, 1)}
    titles = report.review_report_part(uow(), policy, ADMIN, period)["titles"]
    assert {row["year"] for row in titles} == {2026} and len(titles) == 5


def test_a_unit_outside_the_callers_scope_is_not_found(uow, policy, commune):
    officer = {"officer_id": "t-o", "username": "t.o", "role": "OFFICER", "unit_code": "00073"}
    with pytest.raises(UnitNotFound):
        report.review_report_part(uow(), policy, officer, PERIOD)
