"""The org-unit projection other services keep: the official seed, unit_created events, subtree scope."""

import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from contracts.errors import PermissionDenied, UnitNotFound
from servicekit import orgunits
from servicekit.testing import kit_only_metadata
from servicekit.uow import Work

metadata = kit_only_metadata()
ORG_UNITS = orgunits.define_org_units(metadata)


@pytest.fixture
def factory(kit_engine, session_factory):
    metadata.create_all(kit_engine)
    return session_factory


def new_work(factory):
    return Work(factory, metadata, "kittest")


def unit_created(code="00070-G0001", parent="00070", path="/VN/01/00070/00070-G0001/"):
    envelope = {"event_id": uuid.uuid4(), "event_type": "unit_created"}
    payload = {
        "unit_code": code,
        "parent_code": parent,
        "unit_path": path,
        "level": "GRASSROOTS",
        "kind": "SCHOOL",
        "name": "Ban khuyến học Trường Tiểu học Tràng Thi",
        "valid_from": date(2026, 1, 5),
    }
    return envelope, payload


def test_official_tree_is_the_centre_34_provinces_and_3321_communes():
    units = list(orgunits.official_units())
    assert len(units) == 1 + 34 + 3321
    assert units[0].code == "VN" and units[0].parent_code is None
    assert {u.level for u in units[1:35]} == {"PROVINCE"}


def test_load_official_builds_paths_and_is_idempotent(factory):
    assert orgunits.load_official(factory, ORG_UNITS) == 1 + 34 + 3321
    assert orgunits.load_official(factory, ORG_UNITS) == 0
    with factory() as session:
        assert orgunits.get_unit(session, ORG_UNITS, "00070").path == "/VN/01/00070/"
        assert orgunits.get_unit(session, ORG_UNITS, "01").path == "/VN/01/"
        assert session.scalar(select(func.count()).select_from(ORG_UNITS)) == 3356


def test_a_redelivered_unit_created_is_recorded_once(factory):
    orgunits.load_official(factory, ORG_UNITS)
    envelope, payload = unit_created()
    orgunits.handle_unit_created(new_work(factory), "funds", ORG_UNITS, envelope, payload)
    orgunits.handle_unit_created(new_work(factory), "funds", ORG_UNITS, envelope, payload)
    with factory() as session:
        rows = session.execute(select(ORG_UNITS).where(ORG_UNITS.c.parent_code == "00070")).all()
    assert [(r.code, r.path, r.kind) for r in rows] == [("00070-G0001", "/VN/01/00070/00070-G0001/", "SCHOOL")]


def test_scope_admits_the_subtree_and_hides_everything_else(factory):
    orgunits.load_official(factory, ORG_UNITS)
    hanoi_officer = {"unit_code": "01"}
    with factory() as session:
        scope = orgunits.scope_path(session, ORG_UNITS, hanoi_officer)
        assert orgunits.unit_in_scope(session, ORG_UNITS, "00070", scope).code == "00070"
        with pytest.raises(UnitNotFound):
            orgunits.unit_in_scope(session, ORG_UNITS, "79", scope)  # another province
        with pytest.raises(UnitNotFound):
            orgunits.unit_in_scope(session, ORG_UNITS, "99999", scope)  # no such unit
        with pytest.raises(PermissionDenied):
            orgunits.scope_path(session, ORG_UNITS, {"unit_code": "nowhere"})


def test_a_prefix_of_a_code_is_not_a_subtree():
    assert orgunits.is_in_subtree("/VN/01/00070/", "/VN/01/")
    assert not orgunits.is_in_subtree("/VN/010/", "/VN/01/")
    assert orgunits.province_of("/VN/01/00070/") == "01" and orgunits.province_of("/VN/") is None
