"""Splitting a unit: members and sub-units go to their targets as assigned, the rest to the default."""

import uuid
from datetime import date

import pytest

from contracts.errors import UnitNotFound, ValidationFailed
from contracts.members import CreateUnitSchema
from contracts.reorganisation import ReorganisationPlanSchema
from members.usecases import reorganisation, units
from members.usecases.common import today


def plan(operation, effective_on=None):
    return ReorganisationPlanSchema().load({"effective_on": effective_on, "operations": [operation]})


def codes(error):
    return {field: [problem["code"] for problem in problems] for field, problems in error.value.fields.items()}


@pytest.fixture
def admin(actor):
    return actor("ADMIN", "01")


@pytest.fixture
def new_village(uow, admin):
    def new_village(parent_code="00070", name="Chi hội Thôn Bắc"):
        command = CreateUnitSchema().load({"parent_code": parent_code, "name": name, "kind": "VILLAGE"})
        return units.create_unit(uow(), admin, command)["code"]

    return new_village


@pytest.fixture
def village(new_village, register, admin):
    """A grassroots unit of 00070 with three members: ids, and the second one's card number."""
    code = new_village()
    members = [register(code, by=admin, join_date=date(2026, 1, 5)) for _ in range(3)]
    return code, [uuid.UUID(m["id"]) for m in members], members[1]["card_number"]


def village_split(code, **overrides):
    return {
        "kind": "SPLIT",
        "source_code": code,
        "targets": [
            {"key": "east", "name": "Chi hội Thôn Đông", "kind": "VILLAGE"},
            {"key": "west", "name": "Chi hội Thôn Tây"},
        ],
        "default_target": "east",
        **overrides,
    }


def test_a_split_sends_assigned_members_to_their_target_and_the_rest_to_the_default(uow, admin, village, rows):
    code, ids, card = village
    split = village_split(code, assignments={str(ids[0]): "west", card: "west"})
    [operation] = reorganisation.reorganise(uow(), admin, plan(split))["operations"]
    east, west = operation["created_units"]
    assert operation["members_by_target"] == {east: 1, west: 2}
    assert (operation["closed_units"], operation["source_code"], operation["moved_members"]) == ([code], code, 3)
    assert [rows("members", id=member_id)[0].unit_code for member_id in ids] == [west, west, east]
    assert [unit.valid_to for unit in rows("units", code=code)] == [today().fromordinal(today().toordinal() - 1)]
    assert [(u.parent_code, u.valid_from, u.kind) for u in rows("units", code=west)] == [("00070", today(), "VILLAGE")]


def test_a_split_writes_the_new_units_then_one_unit_split_event(uow, admin, village, events):
    code, ids, _ = village
    [operation] = reorganisation.reorganise(uow(), admin, plan(village_split(code)))["operations"]
    east, west = operation["created_units"]
    bodies = [body for _, body in events() if body["event_type"] in ("unit_created", "unit_split")]
    assert [b["event_type"] for b in bodies][-3:] == ["unit_created", "unit_created", "unit_split"]
    payload = bodies[-1]["payload"]
    assert (payload["source_code"], payload["source_closed"], payload["successor_code"]) == (code, True, east)
    assert [t["unit_code"] for t in payload["targets"]] == [east, west]
    assert sorted(m["member_id"] for m in payload["moved_members"]) == sorted(map(str, ids))
    assert {m["to_unit_code"] for m in payload["moved_members"]} == {east}
    assert events("member_transferred") == []


def test_a_commune_split_moves_its_grassroots_units_with_their_members(uow, admin, new_village, register, rows):
    village = new_village("00073")
    in_village = register(village, by=admin, join_date=date(2026, 1, 5))["id"]
    direct = register("00073", by=admin, join_date=date(2026, 1, 5))["id"]
    split = {
        "kind": "SPLIT",
        "source_code": "00073",
        "targets": [{"key": "00070"}, {"key": "new", "code": "99001", "name": "Phường Cửa Nam Mới"}],
        "assignments": {village: "new"},
        "default_target": "00070",
        "successor": "new",
    }
    [operation] = reorganisation.reorganise(uow(), admin, plan(split, "2026-07-01"))["operations"]
    assert (operation["created_units"], operation["moved_units"], operation["members_by_target"]) == (
        ["99001"],
        1,
        {"00070": 1, "99001": 0},
    )
    assert [(u.parent_code, u.path) for u in rows("units", code=village)] == [("99001", f"/VN/01/99001/{village}/")]
    assert rows("members", id=uuid.UUID(in_village))[0].unit_path == f"/VN/01/99001/{village}/"
    assert rows("members", id=uuid.UUID(direct))[0].unit_code == "00070"


def test_the_same_split_again_changes_nothing(uow, admin, village, count):
    code, _, _ = village
    reorganisation.reorganise(uow(), admin, plan(village_split(code)))
    before = (count("units"), count("outbox"), count("memberships"))
    [again] = reorganisation.reorganise(uow(), admin, plan(village_split(code)))["operations"]
    assert again["already_applied"] is True
    assert (count("units"), count("outbox"), count("memberships")) == before


def test_a_dry_run_of_a_split_names_the_codes_it_would_issue_and_writes_nothing(uow, admin, village, count):
    code, _, _ = village
    before = (count("units"), count("outbox"), count("memberships"))
    [preview] = reorganisation.preview_reorganisation(uow(), admin, plan(village_split(code)))["operations"]
    assert (count("units"), count("outbox"), count("memberships")) == before
    [applied] = reorganisation.reorganise(uow(), admin, plan(village_split(code)))["operations"]
    assert preview == applied


def test_a_kept_source_keeps_the_members_not_assigned(uow, admin, village, rows):
    code, ids, _ = village
    split = village_split(code, assignments={str(ids[2]): "west"}, default_target=None, keep_source=True)
    [operation] = reorganisation.reorganise(uow(), admin, plan(split))["operations"]
    assert (operation["closed_units"], operation["moved_members"]) == ([], 1)
    assert [rows("members", id=member_id)[0].unit_code for member_id in ids[:2]] == [code, code]


def test_a_split_names_members_and_sub_units_of_the_source_only(uow, admin, village):
    code, _, _ = village
    split = village_split(code, assignments={str(uuid.uuid4()): "west"})
    with pytest.raises(ValidationFailed) as error:
        reorganisation.reorganise(uow(), admin, plan(split))
    assert list(codes(error).values()) == [["unknown_assignment"]]


def test_unassigned_members_need_a_default_target_when_the_source_closes(uow, admin, village):
    code, _, _ = village
    with pytest.raises(ValidationFailed) as error:
        reorganisation.reorganise(uow(), admin, plan(village_split(code, default_target=None, successor="east")))
    assert codes(error) == {"operations.0.default_target": ["default_target_required"]}


def test_a_new_commune_needs_its_official_code(uow, admin):
    split = {"kind": "SPLIT", "source_code": "00073", "targets": [{"key": "a", "name": "Phường A"}]}
    with pytest.raises(ValidationFailed) as error:
        reorganisation.reorganise(uow(), admin, plan({**split, "default_target": "a"}, "2026-07-01"))
    assert codes(error) == {"operations.0.targets.0.code": ["code_required"]}


def test_a_grassroots_target_named_by_an_unknown_code_is_not_found(uow, admin, village):
    code, _, _ = village
    split = village_split(code, targets=[{"key": "east", "code": "00070-G9999", "name": "X"}])
    with pytest.raises(UnitNotFound):
        reorganisation.reorganise(uow(), admin, plan(split))
