"""The demo loader records the year of activities once, and the demo's report has figures to show."""

from datetime import timedelta

from contracts.reports import ReportQuerySchema
from members import manage
from members.usecases import common, report
from servicekit.validation import load


def test_the_demo_loads_its_activities_once_and_its_report_shows_them(uow, actor, count, members_db_url):
    manage.load_demo(members_db_url, "demo password 2025")
    manage.load_demo(members_db_url, "demo password 2025")
    assert count("activities") == 448
    today = common.today()  # the demo's activities are of the year before the real today
    period = {"unit": "01", "from": (today - timedelta(days=182)).isoformat(), "to": today.isoformat()}
    query = load(ReportQuerySchema(), period)
    part = report.review_report_part(uow(), actor("VIEWER", "01"), query)
    study = next(a for a in part["activities"] if a["kind"] == "STUDY_SESSION")
    assert study["records"] > 100 and study["participants"] > study["sessions"] > study["records"]
    assert part["members"]["at_end"] > 0 and 0 < part["members"]["party_members"] < part["members"]["at_end"]
    assert len(part["by_unit"]) == 126
