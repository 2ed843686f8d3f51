"""The demo's year of activities and the Party membership of its members (issue 11)."""

from collections import Counter
from datetime import timedelta

import pytest

from contracts.reports import CreateActivitySchema
from members.demo import DEMO_TODAY, demo_activities, demo_members, demo_units
from members.domain import Level


@pytest.fixture(scope="module")
def activities():
    return demo_activities()


def test_same_seed_gives_the_same_activities(activities):
    assert demo_activities() == activities


def test_the_year_holds_hundreds_of_study_sessions_campaigns_and_some_training_classes(activities):
    kinds = Counter(a["kind"] for a in activities)
    assert kinds == {"STUDY_SESSION": 420, "CAMPAIGN": 24, "TRAINING_CLASS": 4}


def test_activities_fall_in_the_year_before_the_demo_day(activities):
    first = DEMO_TODAY.replace(year=DEMO_TODAY.year - 1) + timedelta(days=1)
    assert all(first <= a["started_on"] <= DEMO_TODAY and a["ended_on"] >= a["started_on"] for a in activities)


def test_study_sessions_are_at_grassroots_units_and_the_rest_at_communes_or_hanoi(activities):
    levels = {u.code: u.level for u in demo_units()}
    kinds = {(a["kind"], levels[a["unit_code"]]) for a in activities}
    assert kinds == {
        ("STUDY_SESSION", Level.GRASSROOTS), ("CAMPAIGN", Level.COMMUNE), ("TRAINING_CLASS", Level.PROVINCE),
        ("TRAINING_CLASS", Level.COMMUNE),
    }  # fmt: skip


def test_hoan_kiem_has_study_sessions_of_its_own(activities):
    assert sum(a["unit_code"].startswith("00070-") for a in activities) >= 42


def test_every_demo_activity_passes_the_contract(activities):
    schema = CreateActivitySchema()
    for row in activities:
        body = {key: value for key, value in row.items() if key != "unit_code"}
        schema.load({**body, "started_on": body["started_on"].isoformat(), "ended_on": body["ended_on"].isoformat()})


def test_some_demo_members_are_party_members_and_some_are_not_recorded():
    shares = Counter(m["party_member"] for m in demo_members())
    assert set(shares) == {True, False, None}
    assert 250 <= shares[True] <= 480


def test_party_membership_leaves_the_demo_people_as_they_were():
    """Drawn from a generator of its own: the CCCDs (and everything else) are those of the demo before it."""
    people = demo_members(count=3)
    assert [m["cccd"] for m in people] == ["046190992879", "001060102437", "079046198543"]
