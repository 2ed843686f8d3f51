import uuid
from datetime import date

import pytest

from contracts.errors import MemberNotFound, PermissionDenied, TransitionRejected, ValidationFailed
from contracts.members import LeaveMemberSchema, MemberSearchSchema, TransferMemberSchema, UpdateMemberSchema
from members.usecases import members


def transfer(to_unit_code, **fields):
    return TransferMemberSchema().load({"to_unit_code": to_unit_code, **fields})


def leave(**fields):
    return LeaveMemberSchema().load(fields)


def changes(**fields):
    return UpdateMemberSchema().load(fields)


@pytest.fixture
def hanoi(actor):
    """An officer of Hà Nội (province 01), whose subtree holds communes 00070 and 00073."""
    return actor("OFFICER", "01")


@pytest.fixture
def member(register, hanoi):
    """An active member of commune 00070 who joined on 1 September 2025."""
    view = register("00070", by=hanoi, join_date=date(2025, 9, 1))
    return uuid.UUID(view["id"])


def payload_of(events, event_type):
    [(_, body)] = events(event_type)
    return body["payload"]


def test_a_transfer_closes_the_old_membership_and_opens_one_in_the_new_unit(uow, hanoi, member, rows):
    members.transfer_member(uow(), hanoi, member, transfer("00073", transferred_on=date(2026, 3, 1)))
    old, new = sorted(rows("memberships", member_id=member), key=lambda m: m.started_on)
    assert (old.unit_code, old.ended_on, old.end_reason) == ("00070", date(2026, 3, 1), "TRANSFERRED")
    assert (new.unit_code, new.unit_path, new.started_on) == ("00073", "/VN/01/00073/", date(2026, 3, 1))
    assert (new.start_reason, new.ended_on) == ("TRANSFERRED_IN", None)


def test_a_transfer_moves_the_member_and_bumps_its_version(uow, hanoi, member):
    view = members.transfer_member(uow(), hanoi, member, transfer("00073"))
    assert (view["unit_code"], view["unit_name"], view["status"], view["version"]) == (
        "00073", "Phường Cửa Nam", "ACTIVE", 2,
    )


def test_a_transfer_is_published_with_the_units_it_went_from_and_to(uow, hanoi, member, events):
    members.transfer_member(uow(), hanoi, member, transfer("00073", transferred_on=date(2026, 3, 1)))
    payload = payload_of(events, "member_transferred")
    assert (payload["member_id"], payload["member_version"]) == (str(member), 2)
    assert (payload["from_unit_code"], payload["from_unit_path"]) == ("00070", "/VN/01/00070/")
    assert (payload["unit_code"], payload["unit_path"]) == ("00073", "/VN/01/00073/")
    assert payload["transferred_on"] == "2026-03-01"


def test_the_history_keeps_both_units_after_a_transfer(uow, hanoi, member):
    members.transfer_member(uow(), hanoi, member, transfer("00073", transferred_on=date(2026, 3, 1)))
    history = members.get_member(uow(), hanoi, member)["history"]
    assert [(h["unit_code"], h["started_on"], h["ended_on"], h["end_reason"]) for h in history] == [
        ("00070", "2025-09-01", "2026-03-01", "TRANSFERRED"),
        ("00073", "2026-03-01", None, None),
    ]


def test_a_member_who_left_cannot_be_transferred(uow, hanoi, member):
    members.leave_member(uow(), hanoi, member, leave())
    with pytest.raises(TransitionRejected):
        members.transfer_member(uow(), hanoi, member, transfer("00073"))


def test_a_transfer_to_the_members_own_unit_is_rejected(uow, hanoi, member, count):
    with pytest.raises(TransitionRejected):
        members.transfer_member(uow(), hanoi, member, transfer("00070"))
    assert count("memberships", member_id=member) == 1


def test_a_transfer_dated_before_the_join_date_is_rejected(uow, hanoi, member):
    with pytest.raises(TransitionRejected):
        members.transfer_member(uow(), hanoi, member, transfer("00073", transferred_on=date(2025, 8, 1)))


def test_a_transfer_to_a_province_is_rejected(uow, hanoi, member):
    with pytest.raises(ValidationFailed) as caught:
        members.transfer_member(uow(), hanoi, member, transfer("01"))
    assert [p["code"] for p in caught.value.fields["to_unit_code"]] == ["unit_not_accepting_members"]


def test_a_viewer_cannot_transfer_a_member(uow, actor, member):
    with pytest.raises(PermissionDenied):
        members.transfer_member(uow(), actor("VIEWER", "01"), member, transfer("00073"))


def test_an_officer_cannot_transfer_a_member_outside_its_subtree(uow, actor, member):
    with pytest.raises(MemberNotFound):
        members.transfer_member(uow(), actor("OFFICER", "00073"), member, transfer("00073"))


def test_a_member_who_leaves_is_left_with_the_date_and_an_ended_membership(uow, hanoi, member, rows):
    view = members.leave_member(uow(), hanoi, member, leave(left_on=date(2026, 2, 1)))
    [membership] = rows("memberships", member_id=member)
    assert (view["status"], view["left_on"], view["version"]) == ("LEFT", "2026-02-01", 2)
    assert (membership.ended_on, membership.end_reason) == (date(2026, 2, 1), "LEFT")


def test_leaving_is_published_with_the_date_and_reason(uow, hanoi, member, events):
    members.leave_member(uow(), hanoi, member, leave(left_on=date(2026, 2, 1), reason_code="DECEASED"))
    payload = payload_of(events, "member_left")
    assert (payload["member_id"], payload["member_version"], payload["unit_code"]) == (str(member), 2, "00070")
    assert (payload["left_on"], payload["reason_code"]) == ("2026-02-01", "DECEASED")


def test_leaving_twice_is_rejected(uow, hanoi, member, events):
    members.leave_member(uow(), hanoi, member, leave())
    with pytest.raises(TransitionRejected):
        members.leave_member(uow(), hanoi, member, leave())
    assert len(events("member_left")) == 1


def test_leaving_before_the_membership_started_is_rejected(uow, hanoi, member):
    with pytest.raises(TransitionRejected):
        members.leave_member(uow(), hanoi, member, leave(left_on=date(2025, 8, 31)))


def test_a_changed_phone_is_published_by_field_name_without_the_number(uow, hanoi, member, events):
    view = members.update_member(uow(), hanoi, member, changes(phone="0987 654 321"))
    [(row, body)] = events("member_updated")
    assert body["payload"]["changed_fields"] == ["phone"]
    assert (body["payload"]["member_version"], view["phone_masked"]) == (2, "098****321")
    assert "0987654321" not in row.body


def test_an_update_that_changes_nothing_publishes_nothing(uow, hanoi, member, events):
    view = members.update_member(uow(), hanoi, member, changes(phone="0912.345.678"))
    assert (view["version"], events("member_updated")) == (1, [])


def test_a_renamed_member_is_found_by_the_new_name(uow, hanoi, member, events):
    members.update_member(uow(), hanoi, member, changes(full_name="Nguyễn Văn  Bảo"))
    page = members.search_members(uow(), hanoi, MemberSearchSchema().load({"q": "nguyen van bao"}))
    assert [item["full_name"] for item in page["items"]] == ["Nguyễn Văn Bảo"]
    assert events("member_updated")[0][1]["payload"]["changed_fields"] == ["full_name"]


def test_an_update_making_the_cccd_inconsistent_is_rejected(uow, hanoi, member, rows, events):
    with pytest.raises(ValidationFailed) as caught:
        members.update_member(uow(), hanoi, member, changes(gender="FEMALE"))
    assert [p["code"] for p in caught.value.fields["cccd"]] == ["cccd_gender_mismatch"]
    [stored] = rows("members", id=member)
    assert (stored.gender, stored.version, events("member_updated")) == ("MALE", 1, [])


def test_a_member_who_left_cannot_be_edited(uow, hanoi, member):
    members.leave_member(uow(), hanoi, member, leave())
    with pytest.raises(TransitionRejected):
        members.update_member(uow(), hanoi, member, changes(phone="0987654321"))
