"""Activities of units: who may record, list, read and delete them, and what a record must hold."""

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import update

from contracts.errors import PermissionDenied, UnitNotFound, ValidationFailed
from contracts.reports import ActivityNotFound, ActivityQuerySchema, CreateActivitySchema
from members.models import Unit
from members.usecases import activities
from members.usecases.common import today
from servicekit.validation import load


def activity(**overrides):
    body = {"kind": "STUDY_SESSION", "title": "Sinh hoạt CLB đọc sách", "started_on": "2026-03-02", "participants": 40}
    return load(CreateActivitySchema(), {**body, **overrides})


def listing(**fields):
    return load(ActivityQuerySchema(), fields)


@pytest.fixture
def officer(actor):
    return actor("OFFICER", "00070")


@pytest.fixture
def record(uow, officer):
    def record(unit_code="00070", by=None, **overrides):
        return activities.record_activity(uow(), by or officer, unit_code, activity(**overrides))

    return record


def test_an_officer_records_an_activity_of_a_unit_in_the_subtree(record, officer):
    result = record(sessions=3, participants=120, notes="Ba buổi trong tháng")
    assert (result["unit_code"], result["kind"], result["sessions"], result["participants"]) == (
        "00070", "STUDY_SESSION", 3, 120,
    )  # fmt: skip
    assert (result["started_on"], result["ended_on"], result["recorded_by"]) == (
        "2026-03-02", "2026-03-02", officer["username"],
    )  # fmt: skip
    assert result["unit_name"] and uuid.UUID(result["id"])


def test_an_activity_counts_one_session_unless_told(record):
    assert record()["sessions"] == 1


def test_an_activity_keeps_the_path_its_unit_had_when_recorded(record, rows):
    result = record()
    [stored] = rows("activities", id=uuid.UUID(result["id"]))
    assert (stored["unit_path"], stored["kind"]) == ("/VN/01/00070/", "STUDY_SESSION")


def test_a_viewer_cannot_record_an_activity(record, actor, count):
    with pytest.raises(PermissionDenied):
        record(by=actor("VIEWER", "00070"))
    assert count("activities") == 0


def test_an_activity_of_a_unit_outside_the_subtree_is_refused_as_unknown(record):
    with pytest.raises(UnitNotFound):
        record("00073")


def test_an_activity_that_has_not_started_yet_is_refused(record):
    with pytest.raises(ValidationFailed) as caught:
        record(started_on=(today() + timedelta(days=1)).isoformat())
    assert [e["code"] for e in caught.value.fields["started_on"]] == ["date_in_future"]


def test_an_activity_ending_before_it_starts_is_refused():
    with pytest.raises(ValidationFailed) as caught:
        activity(started_on="2026-03-02", ended_on="2026-03-01")
    assert "ended_on" in caught.value.fields


@pytest.mark.parametrize(
    ("field", "value"),
    [("kind", "PARTY"), ("sessions", 0), ("participants", -1), ("participants", "40"), ("title", "")],
)
def test_an_activity_with_an_invalid_field_is_refused(field, value):
    with pytest.raises(ValidationFailed) as caught:
        activity(**{field: value})
    assert field in caught.value.fields


def test_a_blank_title_is_refused(record):
    with pytest.raises(ValidationFailed) as caught:
        record(title="   ")
    assert "title" in caught.value.fields


def test_a_closed_unit_records_nothing_after_its_last_day(record, engine):
    with engine.begin() as connection:
        connection.execute(update(Unit).where(Unit.code == "00070").values(valid_to=date(2026, 3, 31)))
    assert record(started_on="2026-03-31")["unit_code"] == "00070"
    with pytest.raises(ValidationFailed) as caught:
        record(started_on="2026-04-01")
    assert [e["code"] for e in caught.value.fields["started_on"]] == ["unit_closed"]


def test_the_same_idempotency_key_records_an_activity_once(uow, officer, count):
    first = activities.record_activity(uow(), officer, "00070", activity(), "key-1")
    again = activities.record_activity(uow(), officer, "00070", activity(), "key-1")
    assert again == first
    assert count("activities") == 1


# --- listing --------------------------------------------------------------------------------------------


def test_the_list_of_a_commune_holds_its_subtree_newest_first_and_not_other_communes(uow, record, actor):
    record(started_on="2026-01-10", title="Tháng 1")
    record(started_on="2026-03-10", title="Tháng 3")
    record("00073", by=actor("OFFICER", "00073"), started_on="2026-02-10")
    record("01", by=actor("OFFICER", "01"), started_on="2026-02-11")
    page = activities.list_activities(uow(), actor("VIEWER", "00070"), "00070", listing())
    assert [item["title"] for item in page["items"]] == ["Tháng 3", "Tháng 1"]
    assert (page["total"], page["page"], page["page_size"]) == (2, 1, 50)


def test_the_list_of_a_province_holds_its_communes_and_its_own(uow, record, actor):
    record(started_on="2026-01-10")
    record("00073", by=actor("OFFICER", "00073"), started_on="2026-02-10")
    record("01", by=actor("OFFICER", "01"), started_on="2026-02-11")
    page = activities.list_activities(uow(), actor("VIEWER", "01"), "01", listing())
    assert [item["unit_code"] for item in page["items"]] == ["01", "00073", "00070"]


def test_the_list_holds_the_activities_that_overlap_the_period(uow, record, officer):
    record(started_on="2026-01-25", ended_on="2026-02-02", title="Lớp tập huấn", kind="TRAINING_CLASS")
    record(started_on="2026-02-15", title="Giữa tháng")
    record(started_on="2026-03-01", title="Sau")
    record(started_on="2026-01-20", title="Trước")
    page = activities.list_activities(uow(), officer, "00070", listing(**{"from": "2026-02-01", "to": "2026-02-28"}))
    assert [item["title"] for item in page["items"]] == ["Giữa tháng", "Lớp tập huấn"]


def test_the_list_filters_by_kind_and_pages(uow, record, officer):
    for day in range(1, 6):
        record(started_on=f"2026-03-0{day}", title=f"Buổi {day}")
    record(started_on="2026-03-09", kind="CAMPAIGN", title="Vận động")
    page = activities.list_activities(uow(), officer, "00070", listing(kind="STUDY_SESSION", page=2, page_size=2))
    assert [item["title"] for item in page["items"]] == ["Buổi 3", "Buổi 2"]
    assert page["total"] == 5


def test_the_list_of_a_unit_outside_the_subtree_is_refused(uow, officer):
    with pytest.raises(UnitNotFound):
        activities.list_activities(uow(), officer, "00073", listing())


def test_a_list_with_a_reversed_period_is_refused():
    with pytest.raises(ValidationFailed) as caught:
        listing(**{"from": "2026-03-01", "to": "2026-02-01"})
    assert "to" in caught.value.fields


# --- reading and deleting -------------------------------------------------------------------------------


def test_a_viewer_of_the_subtree_reads_an_activity(uow, record, actor):
    recorded = record()
    assert activities.get_activity(uow(), actor("VIEWER", "01"), uuid.UUID(recorded["id"])) == recorded


def test_an_activity_outside_the_subtree_is_not_found(uow, record, actor):
    recorded = record()
    with pytest.raises(ActivityNotFound):
        activities.get_activity(uow(), actor("ADMIN", "00073"), uuid.UUID(recorded["id"]))


def test_an_officer_deletes_an_activity_recorded_by_mistake(uow, record, officer, count):
    recorded = record()
    activities.delete_activity(uow(), officer, uuid.UUID(recorded["id"]))
    assert count("activities") == 0
    with pytest.raises(ActivityNotFound):
        activities.get_activity(uow(), officer, uuid.UUID(recorded["id"]))


def test_a_viewer_cannot_delete_an_activity(uow, record, actor, count):
    recorded = record()
    with pytest.raises(PermissionDenied):
        activities.delete_activity(uow(), actor("VIEWER", "00070"), uuid.UUID(recorded["id"]))
    assert count("activities") == 1


def test_an_officer_of_another_commune_cannot_delete_an_activity(uow, record, actor, count):
    recorded = record()
    with pytest.raises(ActivityNotFound):
        activities.delete_activity(uow(), actor("OFFICER", "00073"), uuid.UUID(recorded["id"]))
    assert count("activities") == 1
