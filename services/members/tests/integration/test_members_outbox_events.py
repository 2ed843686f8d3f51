import json
import uuid
from datetime import date

import pytest
from sqlalchemy.orm import sessionmaker

from contracts.envelope import load_event
from contracts.errors import MemberAlreadyRegistered, ValidationFailed
from contracts.members import LeaveMemberSchema, TransferMemberSchema, UpdateMemberSchema
from members import models
from members.usecases import members
from servicekit.uow import Work


class CommitFails(Work):
    """A unit of work whose commit never reaches the database (the connection dropped)."""

    def commit(self):
        raise ConnectionError("the database went away")


def test_a_registration_writes_one_member_registered_row_with_ids_only(register, events):
    view = register("00070", join_date=date(2026, 1, 5))
    [(row, body)] = events()
    assert (row.event_type, str(row.event_id), row.published_at) == ("member_registered", body["event_id"], None)
    assert (body["source"], body["version"]) == ("members", 1)
    assert body["payload"] == {
        "member_id": view["id"], "member_version": 1, "unit_code": "00070", "unit_path": "/VN/01/00070/",
        "join_date": "2026-01-05",
    }


def test_the_member_registered_row_has_no_cccd_phone_or_name(uow, officer, registration, events):
    command = registration(full_name="Đỗ Thị Mai Phương", gender="FEMALE", phone="0903 111 222")
    members.register_member(uow(), officer, command)
    [(row, _)] = events("member_registered")
    for personal in (command["cccd"], "0903111222", "Phương", "phuong", "Đỗ", "do thi mai"):
        assert personal not in row.body, personal


def test_the_event_is_rolled_back_with_a_registration_that_does_not_commit(engine, officer, registration, count):
    work = CommitFails(sessionmaker(engine, expire_on_commit=False), models.metadata, "members")
    with pytest.raises(ConnectionError):
        members.register_member(work, officer, registration())
    assert (count("members"), count("outbox")) == (0, 0)


def test_a_rejected_registration_writes_no_event(uow, officer, registration, count):
    command = registration()
    members.register_member(uow(), officer, command)
    with pytest.raises(MemberAlreadyRegistered):
        members.register_member(uow(), officer, registration(cccd=command["cccd"]))
    assert count("outbox") == 1


def test_a_batch_writes_one_event_per_member(uow, officer, registration, events):
    ids = members.register_members(uow(), officer, [registration(), registration(), registration()])
    assert sorted(body["payload"]["member_id"] for _, body in events("member_registered")) == sorted(map(str, ids))


def test_a_batch_with_one_bad_row_writes_no_member_and_no_event(uow, officer, registration, count):
    batch = [registration(), registration(consent={"given": False, "channel": "PAPER_FORM"}), registration()]
    with pytest.raises(ValidationFailed) as caught:
        members.register_members(uow(), officer, batch)
    assert list(caught.value.fields) == ["rows.1.consent.given"]
    assert (count("members"), count("outbox")) == (0, 0)


@pytest.fixture
def life(uow, actor, registration):
    """A member registered, edited, transferred and then leaving; returns the member id and the CCCD."""
    hanoi = actor("OFFICER", "01")
    command = registration(full_name="Bùi Văn Khánh", phone="0977 888 999", email="khanh@example.vn")
    member = uuid.UUID(members.register_member(uow(), hanoi, command)["id"])
    members.update_member(uow(), hanoi, member, UpdateMemberSchema().load({"phone": "0977 888 000"}))
    members.transfer_member(uow(), hanoi, member, TransferMemberSchema().load({"to_unit_code": "00073"}))
    members.leave_member(uow(), hanoi, member, LeaveMemberSchema().load({}))
    return member, command["cccd"]


def test_every_change_of_a_member_is_an_event_of_the_next_member_version(life, events):
    member, _ = life
    loaded = [load_event(body) for _, body in events()]
    assert [(e["event_type"], p["member_id"], p["member_version"]) for e, p in loaded] == [
        ("member_registered", member, 1), ("member_updated", member, 2),
        ("member_transferred", member, 3), ("member_left", member, 4),
    ]


def test_no_member_event_carries_personal_data(life, events):
    _, cccd = life
    bodies = " ".join(row.body for row, _ in events())
    for personal in (cccd, "0977888999", "0977888000", "khanh@example.vn", "Khánh", "khanh"):
        assert personal not in bodies, personal


def test_each_event_has_an_id_of_its_own_and_the_row_keeps_it(life, events):
    rows = events()
    assert len({row.event_id for row, _ in rows}) == len(rows) == 4
    assert all(str(row.event_id) == json.loads(row.body)["event_id"] for row, _ in rows)
