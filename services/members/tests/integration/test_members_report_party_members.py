"""Party membership, the member attribute the review report counts: optional and access-restricted.

Only an ADMIN sets it or sees it on a member; it never travels in an event; the report gives a total only.
"""

import json
import uuid

import pytest

from contracts.errors import PermissionDenied
from contracts.members import UpdateMemberSchema
from contracts.privacy import AnonymiseRequestSchema, CorrectionRequestSchema, ExportRequestSchema
from members.usecases import members, privacy


@pytest.fixture
def admin(actor):
    return actor("ADMIN", "00070")


def member_id(view):
    return uuid.UUID(view["id"])


def changes(**fields):
    return UpdateMemberSchema().load(fields)


def test_an_admin_records_party_membership_at_registration_and_sees_it(register, admin):
    view = register(by=admin, party_member=True)
    assert view["party_member"] is True


def test_party_membership_not_given_is_not_recorded(register, admin):
    assert register(by=admin)["party_member"] is None


def test_an_officer_who_sends_party_membership_at_registration_is_refused(register, officer, count):
    with pytest.raises(PermissionDenied):
        register(by=officer, party_member=False)
    assert count("members") == 0


def test_an_officer_does_not_see_party_membership_on_a_member(uow, register, admin, officer, search_query):
    view = register(by=admin, party_member=True)
    assert "party_member" not in members.get_member(uow(), officer, member_id(view))
    assert "party_member" not in members.search_members(uow(), officer, search_query())["items"][0]
    assert "party_member" not in register(by=officer)


def test_an_admin_sees_party_membership_when_reading_and_searching(uow, register, admin, search_query):
    view = register(by=admin, party_member=True)
    assert members.get_member(uow(), admin, member_id(view))["party_member"] is True
    assert members.search_members(uow(), admin, search_query())["items"][0]["party_member"] is True


def test_an_admin_changes_party_membership_without_an_event(uow, register, admin, events):
    view = register(by=admin)
    before = len(events())
    updated = members.update_member(uow(), admin, member_id(view), changes(party_member=True))
    assert updated["party_member"] is True
    assert updated["version"] == view["version"]
    assert len(events()) == before


def test_an_officer_who_sends_party_membership_in_an_edit_is_refused(uow, register, admin, officer, rows):
    view = register(by=admin, party_member=True)
    with pytest.raises(PermissionDenied):
        members.update_member(uow(), officer, member_id(view), changes(party_member=False, full_name="Lê Văn Bảo"))
    [row] = rows("members", id=member_id(view))
    assert (row["party_member"], row["full_name"]) == (True, view["full_name"])


def test_party_membership_is_in_no_event(uow, register, admin, events):
    view = register(by=admin, party_member=True)
    members.update_member(uow(), admin, member_id(view), changes(party_member=False, full_name="Lê Văn Bảo"))
    bodies = [json.dumps(body) for _, body in events()]
    assert bodies and not any("party" in body for body in bodies)


def test_a_correction_by_an_admin_changes_party_membership_and_names_the_field_only(uow, register, admin, rows):
    view = register(by=admin, party_member=True)
    command = CorrectionRequestSchema().load({"reason": "Đơn ngày 05/01/2026", "changes": {"party_member": False}})
    assert privacy.correct_member(uow(), admin, member_id(view), command)["party_member"] is False
    [request] = rows("privacy_requests", member_id=member_id(view))
    assert request["detail"] == {"fields": ["party_member"]}


def test_the_export_of_personal_data_holds_party_membership(uow, register, admin):
    view = register(by=admin, party_member=True)
    export = privacy.export_personal_data(uow(), admin, member_id(view), ExportRequestSchema().load({"reason": "Đơn"}))
    assert export["member"]["party_member"] is True


def test_an_erasure_erases_party_membership(uow, register, admin, rows):
    view = register(by=admin, party_member=True)
    privacy.anonymise_member(uow(), admin, member_id(view), AnonymiseRequestSchema().load({"reason": "Đơn xóa"}))
    [row] = rows("members", id=member_id(view))
    assert row["party_member"] is None
