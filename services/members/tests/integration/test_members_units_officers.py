import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from contracts.errors import (
    AuthenticationFailed,
    OfficerAlreadyExists,
    PermissionDenied,
    UnitNotFound,
    ValidationFailed,
)
from contracts.members import CreateOfficerSchema, CreateUnitSchema, UnitListQuerySchema
from members.models import Officer
from members.passwords import hash_password
from members.usecases import officers, units
from members.usecases.common import today

PASSWORD = "correct horse battery staple"


def new_unit(parent_code, name="Chi hội Tổ dân phố số 1", kind="VILLAGE"):
    return CreateUnitSchema().load({"parent_code": parent_code, "name": name, "kind": kind})


def new_officer(username, unit_code="00070", role="OFFICER"):
    return CreateOfficerSchema().load({
        "username": username, "full_name": "Hoàng Thị Lan", "password": PASSWORD, "role": role,
        "unit_code": unit_code,
    })


@pytest.fixture
def admin(actor):
    return actor("ADMIN", "00070")


def test_an_admin_creates_grassroots_units_numbered_under_the_commune(uow, admin):
    first = units.create_unit(uow(), admin, new_unit("00070"))
    second = units.create_unit(uow(), admin, new_unit("00070", "Ban khuyến học Trường Tiểu học Hoàn Kiếm", "SCHOOL"))
    assert (first["code"], first["level"], first["parent_code"]) == ("00070-G0001", "GRASSROOTS", "00070")
    assert (first["path"], first["valid_from"]) == ("/VN/01/00070/00070-G0001/", today().isoformat())
    assert (second["code"], second["kind"]) == ("00070-G0002", "SCHOOL")


def test_grassroots_codes_are_numbered_per_commune(uow, admin, actor):
    units.create_unit(uow(), admin, new_unit("00070"))
    other = units.create_unit(uow(), actor("ADMIN", "00073"), new_unit("00073"))
    assert other["code"] == "00073-G0001"


def test_a_grassroots_unit_under_a_province_is_rejected(uow, actor, count):
    with pytest.raises(ValidationFailed) as caught:
        units.create_unit(uow(), actor("ADMIN", "01"), new_unit("01"))
    assert [p["code"] for p in caught.value.fields["parent_code"]] == ["parent_not_commune"]
    assert count("units", level="GRASSROOTS") == 0


def test_a_grassroots_unit_under_another_grassroots_unit_is_rejected(uow, admin):
    parent = units.create_unit(uow(), admin, new_unit("00070"))
    with pytest.raises(ValidationFailed):
        units.create_unit(uow(), admin, new_unit(parent["code"]))


@pytest.mark.parametrize("role", ["OFFICER", "VIEWER"])
def test_only_an_admin_creates_units(uow, actor, role):
    with pytest.raises(PermissionDenied):
        units.create_unit(uow(), actor(role, "00070"), new_unit("00070"))


def test_an_admin_cannot_create_a_unit_under_a_commune_outside_its_subtree(uow, admin):
    with pytest.raises(UnitNotFound):
        units.create_unit(uow(), admin, new_unit("00073"))


def test_a_created_unit_is_published_as_unit_created(uow, admin, events):
    unit = units.create_unit(uow(), admin, new_unit("00070", "Chi hội Tổ dân phố số 7"))
    [(_, body)] = events("unit_created")
    assert body["payload"] == {
        "unit_code": unit["code"], "parent_code": "00070", "unit_path": unit["path"], "level": "GRASSROOTS",
        "kind": "VILLAGE", "name": "Chi hội Tổ dân phố số 7", "valid_from": today().isoformat(),
    }


def test_a_created_grassroots_unit_takes_members(uow, admin, register):
    unit = units.create_unit(uow(), admin, new_unit("00070"))
    assert register(unit["code"])["unit_code"] == unit["code"]


def test_an_officer_logs_in_with_the_right_password_and_gets_its_unit_path(uow, admin):
    officers.create_officer(uow(), admin, new_officer("lan.hoang"))
    view = officers.authenticate_officer(uow(), "lan.hoang", PASSWORD)
    assert (view["username"], view["role"], view["unit_code"]) == ("lan.hoang", "OFFICER", "00070")
    assert view["unit_path"] == "/VN/01/00070/" and "password" not in str(view)


def test_a_wrong_password_and_an_unknown_user_fail_alike(uow, admin):
    officers.create_officer(uow(), admin, new_officer("lan.hoang"))
    with pytest.raises(AuthenticationFailed) as wrong_password:
        officers.authenticate_officer(uow(), "lan.hoang", "not the password")
    with pytest.raises(AuthenticationFailed) as unknown_user:
        officers.authenticate_officer(uow(), "no.such.user", PASSWORD)
    assert wrong_password.value.args == unknown_user.value.args


def test_a_deactivated_officer_cannot_log_in(uow, admin, engine):
    officers.create_officer(uow(), admin, new_officer("lan.hoang"))
    with engine.begin() as connection:
        connection.execute(update(Officer).where(Officer.username == "lan.hoang").values(active=False))
    with pytest.raises(AuthenticationFailed):
        officers.authenticate_officer(uow(), "lan.hoang", PASSWORD)


def test_a_password_is_stored_only_as_a_hash(uow, admin, rows):
    officers.create_officer(uow(), admin, new_officer("lan.hoang"))
    [stored] = rows("officers", username="lan.hoang")
    assert stored.password_hash.startswith("$argon2id$") and PASSWORD not in stored.password_hash


@pytest.mark.parametrize("role", ["OFFICER", "VIEWER"])
def test_only_an_admin_creates_officers(uow, actor, role, count):
    with pytest.raises(PermissionDenied):
        officers.create_officer(uow(), actor(role, "00070"), new_officer("lan.hoang"))
    assert count("officers", username="lan.hoang") == 0


def test_a_username_taken_twice_is_rejected(uow, admin, count):
    officers.create_officer(uow(), admin, new_officer("lan.hoang"))
    with pytest.raises(OfficerAlreadyExists):
        officers.create_officer(uow(), admin, new_officer("lan.hoang", role="VIEWER"))
    assert count("officers", username="lan.hoang") == 1


def test_an_officer_account_losing_a_race_for_the_username_is_rejected_as_existing(uow, admin, lose_race):
    rival = Officer(
        id=uuid.uuid4(), username="lan.hoang", full_name="Hoàng Thị Lan", password_hash=hash_password(PASSWORD),
        role="VIEWER", unit_code="00070", active=True, created_at=datetime.now(UTC),
    )
    with pytest.raises(OfficerAlreadyExists):
        lose_race(rival, lambda: officers.create_officer(uow(), admin, new_officer("lan.hoang")))


def test_an_admin_cannot_create_an_officer_outside_its_subtree(uow, admin):
    with pytest.raises(UnitNotFound):
        officers.create_officer(uow(), admin, new_officer("lan.hoang", unit_code="00073"))


def test_officers_are_listed_only_within_the_admins_subtree(uow, admin, actor):
    hanoi = actor("ADMIN", "01")
    unit = units.create_unit(uow(), admin, new_unit("00070"))
    for username, unit_code in (("a.hoankiem", "00070"), ("b.chihoi", unit["code"]), ("c.cuanam", "00073")):
        officers.create_officer(uow(), hanoi, new_officer(username, unit_code))
    assert [o["username"] for o in officers.list_officers(uow(), admin)] == ["a.hoankiem", "b.chihoi"]
    assert [o["username"] for o in officers.list_officers(uow(), hanoi)] == ["a.hoankiem", "b.chihoi", "c.cuanam"]


def test_only_an_admin_lists_officers(uow, actor):
    with pytest.raises(PermissionDenied):
        officers.list_officers(uow(), actor("OFFICER", "00070"))


def unit_query(**fields):
    return UnitListQuerySchema().load(fields)


def test_units_are_searched_by_name_without_diacritics(uow, actor):
    page = units.list_units(uow(), actor("VIEWER", "01"), unit_query(q="hoan kiem", level="COMMUNE"))
    assert [(u["code"], u["name"]) for u in page["items"]] == [("00070", "Phường Hoàn Kiếm")]


@pytest.mark.parametrize("typed", ["%", "_", "Ho%n"])
def test_like_wildcards_in_a_unit_search_match_nothing_special(uow, actor, typed):
    assert units.list_units(uow(), actor("VIEWER", "01"), unit_query(q=typed))["total"] == 0
