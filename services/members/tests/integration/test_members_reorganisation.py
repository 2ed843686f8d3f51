"""Merging three communes of Hà Nội (00004 and 00073 into 00070) on 1 July 2026: members move with their
history, the grassroots unit below 00073 moves under the survivor, one units_merged event is written, a dry
run writes nothing, a second run changes nothing, and statistics before the merge still see the old commune."""

import uuid
from datetime import date

import pytest

from contracts.members import CreateOfficerSchema, CreateUnitSchema, StatisticsQuerySchema
from contracts.reorganisation import ReorganisationPlanSchema, operation_id
from members.usecases import officers, reorganisation, statistics, units

EFFECTIVE = date(2026, 7, 1)
LAST_DAY = date(2026, 6, 30)
MERGE_ID = str(operation_id("MERGE", EFFECTIVE, ["00070", "00004", "00073"]))


def merge_plan(**overrides):
    operation = {"kind": "MERGE", "survivor_code": "00070", "merged_codes": ["00070", "00073", "00004"]}
    body = {"effective_on": EFFECTIVE.isoformat(), "decision_ref": "NQ 1656/NQ-UBTVQH15", "operations": [operation]}
    return ReorganisationPlanSchema().load({**body, **overrides})


@pytest.fixture
def admin(actor):
    return actor("ADMIN", "01")


@pytest.fixture
def hanoi(uow, admin, register):
    """Members of the three communes and of a grassroots unit of 00073, all joined before the merge."""

    def joined(unit_code, on="2025-08-01"):
        return uuid.UUID(register(unit_code, by=admin, join_date=date.fromisoformat(on))["id"])

    village = units.create_unit(
        uow(), admin, CreateUnitSchema().load({"parent_code": "00073", "name": "Chi hội Thôn Đông", "kind": "VILLAGE"})
    )["code"]
    ids = {"survivor": [joined("00070"), joined("00070")], "merged": [joined("00073"), joined("00073")]}
    ids["merged"].append(joined("00004"))
    ids["village"] = [joined(village)]
    return village, ids


def member(rows, member_id):
    [row] = rows("members", id=member_id)
    return row


def test_members_of_the_merged_communes_belong_to_the_survivor(uow, admin, hanoi, rows):
    _, ids = hanoi
    result = reorganisation.reorganise(uow(), admin, merge_plan())
    [operation] = result["operations"]
    assert (operation["moved_members"], operation["members_by_target"]) == (3, {"00070": 3})
    assert (operation["closed_units"], operation["moved_units"], operation["already_applied"]) == (
        ["00004", "00073"],
        1,
        False,
    )
    for member_id in ids["merged"]:
        assert (member(rows, member_id).unit_code, member(rows, member_id).unit_path) == ("00070", "/VN/01/00070/")
        assert member(rows, member_id).version == 2
    assert member(rows, ids["survivor"][0]).version == 1


def test_the_grassroots_unit_below_a_merged_commune_moves_under_the_survivor(uow, admin, hanoi, rows):
    village, ids = hanoi
    reorganisation.reorganise(uow(), admin, merge_plan())
    [unit] = rows("units", code=village)
    assert (unit.parent_code, unit.path, unit.valid_to) == ("00070", f"/VN/01/00070/{village}/", None)
    [(code, until, old_path, old_parent)] = [tuple(r.values()) for r in rows("org_unit_paths")]
    assert (code, until, old_path, old_parent) == (village, LAST_DAY, f"/VN/01/00073/{village}/", "00073")
    [moved] = ids["village"]
    assert (member(rows, moved).unit_code, member(rows, moved).unit_path) == (village, f"/VN/01/00070/{village}/")


def test_merged_communes_close_the_day_before_and_stay_readable(uow, admin, hanoi):
    reorganisation.reorganise(uow(), admin, merge_plan())
    closed = units.get_unit(uow(), admin, "00073")
    assert (closed["valid_to"], closed["path"]) == (LAST_DAY.isoformat(), "/VN/01/00073/")
    assert units.get_unit(uow(), admin, "00070")["valid_to"] is None


def test_a_member_keeps_the_membership_in_the_old_commune_until_the_merge(uow, admin, hanoi, rows):
    village, ids = hanoi
    reorganisation.reorganise(uow(), admin, merge_plan())
    history = sorted(rows("memberships", member_id=ids["merged"][0]), key=lambda r: r.id)
    assert [(r.unit_code, r.started_on, r.start_reason, r.ended_on, r.end_reason) for r in history] == [
        ("00073", date(2025, 8, 1), "JOINED", EFFECTIVE, "REORGANISED"),
        ("00070", EFFECTIVE, "REORGANISED", None, None),
    ]
    below = sorted(rows("memberships", member_id=ids["village"][0]), key=lambda r: r.id)
    assert [(r.unit_code, r.unit_path, r.ended_on) for r in below] == [
        (village, f"/VN/01/00073/{village}/", EFFECTIVE),
        (village, f"/VN/01/00070/{village}/", None),
    ]


def test_a_member_who_joined_after_the_effective_date_is_simply_in_the_survivor(uow, admin, hanoi, register, rows):
    late = register("00073", by=admin, join_date=date(2026, 8, 1))["id"]
    reorganisation.reorganise(uow(), admin, merge_plan())
    [membership] = rows("memberships", member_id=uuid.UUID(late))
    assert (membership.unit_code, membership.start_reason) == ("00070", "JOINED")
    assert membership.started_on == date(2026, 8, 1)


def test_the_merge_writes_one_units_merged_event_and_no_transfer(uow, admin, hanoi, events):
    village, _ = hanoi
    reorganisation.reorganise(uow(), admin, merge_plan())
    [(_, body)] = events("units_merged")
    assert events("member_transferred") == []
    assert body["payload"] == {
        "reorganisation_id": MERGE_ID,
        "effective_on": "2026-07-01",
        "decision_ref": "NQ 1656/NQ-UBTVQH15",
        "survivor_code": "00070",
        "survivor_path": "/VN/01/00070/",
        "merged": [
            {"unit_code": "00004", "unit_path": "/VN/01/00004/"},
            {"unit_code": "00073", "unit_path": "/VN/01/00073/"},
        ],
        "moved_units": [
            {
                "unit_code": village,
                "parent_code": "00070",
                "from_path": f"/VN/01/00073/{village}/",
                "to_path": f"/VN/01/00070/{village}/",
            }
        ],
    }


def test_officers_of_a_merged_commune_act_for_the_survivor(uow, admin, hanoi, rows):
    command = {"username": "can.bo.cua.nam", "full_name": "Cán bộ Cửa Nam", "password": "x" * 12, "role": "OFFICER"}
    officers.create_officer(uow(), admin, CreateOfficerSchema().load({**command, "unit_code": "00073"}))
    [operation] = reorganisation.reorganise(uow(), admin, merge_plan())["operations"]
    assert operation["moved_officers"] == 1
    [officer] = rows("officers", username="can.bo.cua.nam")
    assert officer.unit_code == "00070"


def test_a_dry_run_shows_what_would_move_and_writes_nothing(uow, admin, hanoi, count, rows):
    before = {table: count(table) for table in ("memberships", "outbox", "reorganisations", "org_unit_paths")}
    preview = reorganisation.preview_reorganisation(uow(), admin, merge_plan())
    assert {table: count(table) for table in before} == before
    assert [unit.valid_to for unit in rows("units", code="00073")] == [None]
    applied = reorganisation.reorganise(uow(), admin, merge_plan())
    assert (preview["dry_run"], applied["dry_run"]) == (True, False)
    assert preview["operations"] == applied["operations"]


def test_the_same_merge_again_changes_nothing(uow, admin, hanoi, count):
    reorganisation.reorganise(uow(), admin, merge_plan())
    before = {table: count(table) for table in ("memberships", "outbox", "reorganisations", "units")}
    again = reorganisation.reorganise(uow(), admin, merge_plan())
    assert {table: count(table) for table in before} == before
    [operation] = again["operations"]
    assert (operation["already_applied"], operation["reorganisation_id"]) == (True, MERGE_ID)
    assert (operation["moved_members"], operation["members_by_target"], operation["closed_units"]) == (
        0,
        {"00070": 0},
        ["00004", "00073"],
    )
    assert reorganisation.preview_reorganisation(uow(), admin, merge_plan())["operations"][0]["already_applied"]


def test_the_applied_merge_is_listed_in_the_province(uow, admin, actor, hanoi):
    reorganisation.reorganise(uow(), admin, merge_plan())
    [record] = reorganisation.list_reorganisations(uow(), actor("VIEWER", "01"))["items"]
    assert (record["reorganisation_id"], record["kind"], record["survivor_code"]) == (MERGE_ID, "MERGE", "00070")
    assert (record["units"], record["effective_on"], record["applied_by"]) == (
        ["00004", "00073"],
        "2026-07-01",
        admin["username"],
    )
    assert reorganisation.list_reorganisations(uow(), actor("ADMIN", "79"))["items"] == []


def period(date_from, date_to):
    return StatisticsQuerySchema().load({"from": date_from, "to": date_to})


def test_statistics_before_the_merge_count_members_under_the_old_commune(uow, admin, hanoi):
    reorganisation.reorganise(uow(), admin, merge_plan())
    before = statistics.unit_statistics(uow(), admin, "00073", period("2026-01-01", "2026-06-30"))
    assert (before["members_at_start"], before["members_at_end"], before["left_in_period"]) == (3, 3, 0)
    survivor = statistics.unit_statistics(uow(), admin, "00070", period("2026-01-01", "2026-06-30"))
    assert survivor["members_at_end"] == 2
    after = statistics.unit_statistics(uow(), admin, "00070", period("2026-07-01", "2026-09-30"))
    # A merge effective on the first day of the period is in force at its start: moving in is not growth.
    assert (after["members_at_start"], after["members_at_end"], after["joined_in_period"]) == (6, 6, 0)
    assert statistics.unit_statistics(uow(), admin, "00073", period("2026-07-01", "2026-09-30"))["members_at_end"] == 0
