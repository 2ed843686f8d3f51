"""The review report assembled from the three services' parts: the members part defines the rows, the
others are matched by unit code, and a row a part lacks counts zero."""

from datetime import UTC, date, datetime

from contracts.reports import ReviewReportSchema
from gateway.report_export.assembly import ZERO_FUNDS, assemble
from servicekit.http import relay


def unit(code):
    return {"code": code, "name": f"Xã {code}", "level": "COMMUNE", "path": f"01.{code}", "valid_from": "2020-01-01",
            "valid_to": None}  # fmt: skip


def figures(at_end):
    return {"at_start": 1, "at_end": at_end, "joined": at_end - 1, "left": 0, "growth_percent": None,
            "party_members": 0}  # fmt: skip


def funds(raised):
    return {**ZERO_FUNDS, "raised": raised, "balance_at_end": raised}


def title(registered, target=None):
    figures = {"registered": registered, "recognised": 0, "percent_of_registered": 0.0, "eligible": None}
    return {"title_type": "GIA_DINH_HOC_TAP", "year": 2025, **figures, "percent_of_all": None, "target_percent": target}


MEMBERS = {"unit": unit("01"), "members": figures(30), "activities": [],
           "by_unit": [{"unit": unit("A"), "members": figures(10), "activities": []},
                       {"unit": unit("B"), "members": figures(20), "activities": []}]}  # fmt: skip
FUNDS = {"funds": funds(300), "by_unit": [{"unit_code": "B", "funds": funds(200)},
                                          {"unit_code": "GONE", "funds": funds(100)}]}  # fmt: skip
EVALUATIONS = {"titles": [title(5, 30.0)], "by_unit": [{"unit_code": "A", "titles": [title(5)]}]}


def report():
    whole = assemble(MEMBERS, FUNDS, EVALUATIONS, date(2025, 1, 1), date(2025, 6, 30), datetime(2025, 7, 1, tzinfo=UTC))
    return relay(ReviewReportSchema, whole)


def test_rows_are_the_members_parts_children_with_the_other_parts_matched_by_code():
    rows = {row["unit"]["code"]: row for row in report()["by_unit"]}
    assert list(rows) == ["A", "B"]
    assert (rows["A"]["members"]["at_end"], rows["B"]["funds"]["raised"], rows["A"]["titles"][0]["registered"]) == (
        10,
        200,
        5,
    )


def test_a_row_missing_from_a_part_counts_zero_there():
    rows = {row["unit"]["code"]: row for row in report()["by_unit"]}
    assert rows["A"]["funds"] == ZERO_FUNDS
    assert [(t["title_type"], t["registered"], t["recognised"]) for t in rows["B"]["titles"]] == [
        ("GIA_DINH_HOC_TAP", 0, 0)
    ]


def test_the_totals_are_each_parts_own_and_the_period_is_on_the_report():
    whole = report()
    assert (whole["members"]["at_end"], whole["funds"]["raised"], whole["titles"][0]["target_percent"]) == (
        30,
        300,
        30.0,
    )
    assert (whole["unit"]["code"], whole["from"], whole["to"]) == ("01", "2025-01-01", "2025-06-30")
