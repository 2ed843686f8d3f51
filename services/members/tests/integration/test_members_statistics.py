import uuid
from datetime import date

import pytest

from contracts.errors import UnitNotFound
from contracts.members import LeaveMemberSchema, StatisticsQuerySchema, TransferMemberSchema
from members.usecases import members, statistics

PERIOD = ("2025-10-01", "2026-03-31")


def period(date_from, date_to):
    return StatisticsQuerySchema().load({"from": date_from, "to": date_to})


@pytest.fixture
def hanoi(actor):
    """An officer of Hà Nội (province 01), whose subtree holds communes 00070 and 00073."""
    return actor("OFFICER", "01")


@pytest.fixture
def joined(register, hanoi):
    def joined(unit_code, on):
        return uuid.UUID(register(unit_code, by=hanoi, join_date=date.fromisoformat(on))["id"])

    return joined


@pytest.fixture
def history(uow, hanoi, joined):
    """Six members of Hà Nội, their stories told against the period October 2025 - March 2026."""
    joined("00070", "2025-08-01")  # in 00070 all along
    joined("00070", "2025-11-01")  # joined 00070 in the period
    joined("00070", "2026-05-01")  # joined 00070 after the period
    left = joined("00070", "2025-08-01")
    members.leave_member(uow(), hanoi, left, LeaveMemberSchema().load({"left_on": "2026-01-15"}))
    moved = joined("00070", "2025-08-01")
    members.transfer_member(uow(), hanoi, moved, TransferMemberSchema().load(
        {"to_unit_code": "00073", "transferred_on": "2026-02-01"}
    ))
    joined("00073", "2025-09-01")  # in 00073 all along


def figures(result, *names):
    return tuple(result[name] for name in names)


def test_a_commune_counts_joins_and_leaves_in_the_period_but_not_a_transfer_out(uow, hanoi, history):
    result = statistics.unit_statistics(uow(), hanoi, "00070", period(*PERIOD))
    assert figures(result, "joined_in_period", "left_in_period") == (1, 1)
    assert figures(result, "members_at_start", "members_at_end", "members_total") == (3, 2, 2)


def test_a_commune_shows_the_growth_of_its_members_over_the_period(uow, hanoi, history):
    result = statistics.unit_statistics(uow(), hanoi, "00070", period(*PERIOD))
    assert result["growth_percent"] == -33.33
    assert (result["from"], result["to"], result["unit_code"]) == (*PERIOD, "00070")


def test_a_member_transferred_out_is_counted_at_the_end_in_the_new_unit(uow, hanoi, history):
    result = statistics.unit_statistics(uow(), hanoi, "00073", period(*PERIOD))
    assert figures(result, "members_at_start", "members_at_end", "joined_in_period", "left_in_period") == (
        1, 2, 0, 0,
    )
    assert result["growth_percent"] == 100.0


def test_a_transfer_inside_the_province_neither_joins_nor_leaves_it(uow, hanoi, history):
    result = statistics.unit_statistics(uow(), hanoi, "01", period(*PERIOD))
    assert figures(result, "members_at_start", "members_at_end", "joined_in_period", "left_in_period") == (
        4, 4, 1, 1,
    )
    assert result["growth_percent"] == 0.0


def test_active_members_are_counted_today_whatever_the_period(uow, hanoi, history):
    assert statistics.unit_statistics(uow(), hanoi, "00070", period(*PERIOD))["members_active"] == 3


def test_a_member_joining_on_the_first_day_is_new_and_not_counted_at_the_start(uow, hanoi, joined):
    joined("00070", "2025-10-01")
    result = statistics.unit_statistics(uow(), hanoi, "00070", period(*PERIOD))
    assert figures(result, "members_at_start", "joined_in_period", "members_at_end") == (0, 1, 1)
    assert result["growth_percent"] is None  # no base to grow from


def test_a_member_leaving_on_the_last_day_has_left_and_is_not_counted_at_the_end(uow, hanoi, joined):
    member = joined("00070", "2025-08-01")
    members.leave_member(uow(), hanoi, member, LeaveMemberSchema().load({"left_on": PERIOD[1]}))
    result = statistics.unit_statistics(uow(), hanoi, "00070", period(*PERIOD))
    assert figures(result, "members_at_start", "left_in_period", "members_at_end") == (1, 1, 0)


def test_statistics_of_a_unit_outside_the_subtree_are_refused(uow, actor):
    with pytest.raises(UnitNotFound):
        statistics.unit_statistics(uow(), actor("VIEWER", "00070"), "00073", period(*PERIOD))
