"""Who may reorganise, and the rules a plan must follow: checked as a whole before anything is written."""

from datetime import date

import pytest

from contracts.errors import PermissionDenied, UnitNotFound, ValidationFailed
from contracts.members import CreateUnitSchema
from contracts.reorganisation import ReorganisationPlanSchema
from members.usecases import reorganisation, units

EFFECTIVE = "2026-07-01"


def plan(*operations, effective_on=EFFECTIVE):
    return ReorganisationPlanSchema().load({"effective_on": effective_on, "operations": list(operations)})


def merge(survivor, *merged):
    return {"kind": "MERGE", "survivor_code": survivor, "merged_codes": list(merged)}


def codes(error):
    return {field: [problem["code"] for problem in problems] for field, problems in error.value.fields.items()}


@pytest.fixture
def admin(actor):
    return actor("ADMIN", "01")


@pytest.mark.parametrize("role", ["OFFICER", "VIEWER"])
def test_only_an_admin_may_reorganise(uow, actor, role):
    for use_case in (reorganisation.reorganise, reorganisation.preview_reorganisation):
        with pytest.raises(PermissionDenied):
            use_case(uow(), actor(role, "01"), plan(merge("00070", "00073")))


def test_a_unit_outside_the_admins_subtree_does_not_exist_for_them(uow, actor):
    with pytest.raises(UnitNotFound) as error:
        reorganisation.reorganise(uow(), actor("ADMIN", "00070"), plan(merge("00070", "00073")))
    assert error.value.details == {"unit_code": "00073"}


def test_an_unknown_unit_is_not_found(uow, admin):
    with pytest.raises(UnitNotFound):
        reorganisation.preview_reorganisation(uow(), admin, plan(merge("00070", "99999")))


def test_a_closed_unit_cannot_be_merged_again_into_another(uow, admin):
    reorganisation.reorganise(uow(), admin, plan(merge("00070", "00073")))
    with pytest.raises(ValidationFailed) as error:
        reorganisation.reorganise(uow(), admin, plan(merge("00004", "00073")))
    assert codes(error) == {"operations.0.merged_codes": ["unit_closed"]}


def test_units_of_different_levels_cannot_be_merged(uow, admin):
    village = units.create_unit(
        uow(), admin, CreateUnitSchema().load({"parent_code": "00073", "name": "Chi hội Thôn Tây", "kind": "VILLAGE"})
    )["code"]
    with pytest.raises(ValidationFailed) as error:
        reorganisation.reorganise(uow(), admin, plan(merge("00070", village)))
    assert "level_mismatch" in codes(error)["operations.0.merged_codes"]


def test_the_survivor_alone_is_nothing_to_merge(uow, admin):
    with pytest.raises(ValidationFailed) as error:
        reorganisation.reorganise(uow(), admin, plan(merge("00070", "00070")))
    assert codes(error) == {"operations.0.merged_codes": ["nothing_to_merge"]}


def test_the_central_association_cannot_be_reorganised(uow, actor):
    with pytest.raises(ValidationFailed) as error:
        reorganisation.reorganise(uow(), actor("ADMIN", "VN"), plan(merge("VN", "01")))
    assert codes(error)["operations.0.survivor_code"] == ["central_unit"]


def test_a_merge_cannot_take_effect_before_the_units_existed(uow, admin):
    with pytest.raises(ValidationFailed) as error:
        reorganisation.reorganise(uow(), admin, plan(merge("00070", "00073"), effective_on="2025-06-01"))
    assert codes(error) == {
        "operations.0.survivor_code": ["effective_before_unit"],
        "operations.0.merged_codes": ["effective_before_unit"],
    }


def test_a_merge_cannot_take_effect_in_the_future(uow, admin):
    with pytest.raises(ValidationFailed) as error:
        reorganisation.reorganise(uow(), admin, plan(merge("00070", "00073"), effective_on="2099-01-01"))
    assert codes(error) == {"effective_on": ["date_in_future"]}


def test_a_unit_in_two_operations_fails_the_whole_plan(uow, admin, count, rows):
    with pytest.raises(ValidationFailed) as error:
        reorganisation.reorganise(uow(), admin, plan(merge("00070", "00073"), merge("00004", "00073")))
    assert codes(error)["operations.1"] == ["unit_in_two_operations"]
    assert (count("reorganisations"), count("outbox")) == (0, 0)
    assert [unit.valid_to for unit in rows("units", code="00073")] == [None]


def test_one_bad_operation_and_none_is_applied(uow, admin, count, rows):
    with pytest.raises(ValidationFailed) as error:
        reorganisation.reorganise(uow(), admin, plan(merge("00070", "00073"), merge("00008", "00008")))
    assert list(codes(error)) == ["operations.1.merged_codes"]
    assert (count("reorganisations"), count("outbox"), count("org_unit_paths")) == (0, 0, 0)
    assert [unit.valid_to for unit in rows("units", code="00073")] == [None]


def test_merges_of_several_operations_apply_together(uow, admin, rows):
    result = reorganisation.reorganise(uow(), admin, plan(merge("00070", "00073"), merge("00004", "00008")))
    assert [op["closed_units"] for op in result["operations"]] == [["00073"], ["00008"]]
    assert [unit.valid_to for unit in rows("units", code="00008")] == [date(2026, 6, 30)]
