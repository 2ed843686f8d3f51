"""A member's learning titles from evaluation_completed: claimed once, the newest decision kept whatever
the order of arrival, and listed on the member's record."""

import uuid
from datetime import UTC, date, datetime, timedelta

from members.usecases import members, titles


def completed(member_id, outcome="RECOGNISED", reference="12/QĐ-KH", at=None, year=2026, kind="PERSON"):
    envelope = {"event_id": uuid.uuid4(), "event_type": "evaluation_completed",
                "occurred_at": at or datetime(2027, 3, 1, tzinfo=UTC)}
    payload = {"evaluation_id": uuid.uuid4(), "campaign_id": uuid.uuid4(), "title_type": "CONG_DAN_HOC_TAP",
               "year": year, "unit_code": "00070", "unit_path": "/VN/01/00070/", "subject_kind": kind,
               "member_id": member_id, "subject_unit_code": None, "outcome": outcome, "score": 90, "degree": None,
               "decision_reference": reference, "decided_on": date(2027, 3, 1)}
    return envelope, payload


def record(uow, envelope, payload):
    titles.record_evaluation_completed(uow(), "members", envelope, payload)


def test_a_recognised_title_is_listed_on_the_members_record(uow, register, officer):
    member = register()
    record(uow, *completed(uuid.UUID(member["id"])))
    read = members.get_member(uow(), officer, uuid.UUID(member["id"]))
    assert read["titles"] == [{"title_type": "CONG_DAN_HOC_TAP", "year": 2026, "decision_reference": "12/QĐ-KH",
                               "decided_on": "2027-03-01"}]


def test_a_redelivered_event_is_handled_once_and_an_older_decision_arriving_late_changes_nothing(
        uow, register, officer, count):
    member_id = uuid.UUID(register()["id"])
    newer = completed(member_id, reference="20/QĐ-KH", at=datetime(2027, 3, 20, tzinfo=UTC))
    older = completed(member_id, outcome="NOT_RECOGNISED", reference="5/QĐ-KH",
                      at=datetime(2027, 3, 20, tzinfo=UTC) - timedelta(days=10))
    record(uow, *newer)
    record(uow, *newer)
    record(uow, *older)
    assert count("inbox", event_id=newer[0]["event_id"]) == 1 and count("member_titles", member_id=member_id) == 1
    assert [t["decision_reference"] for t in members.get_member(uow(), officer, member_id)["titles"]] == ["20/QĐ-KH"]


def test_refusals_and_household_titles_are_not_listed_as_the_members_titles(uow, register, officer):
    member_id = uuid.UUID(register()["id"])
    record(uow, *completed(member_id, outcome="NOT_RECOGNISED"))
    record(uow, *completed(member_id, year=2025, kind="HOUSEHOLD"))
    assert members.get_member(uow(), officer, member_id)["titles"] == []
