"""Contact lookups for other services: a member's address and contact consent, a unit's officers."""

import uuid

from contracts.members import LeaveMemberSchema
from members.models import Officer
from members.usecases import contacts, members


def test_a_member_who_agreed_to_be_contacted_is_returned_with_address_and_consent(uow, register):
    member = register(
        full_name="Trần Thị Bích", gender="FEMALE", email="bich@example.vn",
        consent={"given": True, "channel": "PAPER_FORM", "contact": True},
    )
    contact = contacts.member_contact(uow(), uuid.UUID(member["id"]))
    assert contact == {
        "member_id": member["id"], "full_name": "Trần Thị Bích", "email": "bich@example.vn",
        "phone": "0912345678", "unit_code": "00070", "unit_path": "/VN/01/00070/", "status": "ACTIVE",
        "contact_consent": True,
    }


def test_consent_to_membership_alone_is_not_consent_to_be_contacted(uow, register):
    member = register()  # consent given for membership only: silence about contact is not consent
    assert contacts.member_contact(uow(), uuid.UUID(member["id"]))["contact_consent"] is False


def test_a_member_who_left_is_not_contacted(uow, register, officer):
    member = register(consent={"given": True, "channel": "ONLINE_FORM", "contact": True})
    members.leave_member(uow(), officer, uuid.UUID(member["id"]), LeaveMemberSchema().load({}))
    assert contacts.member_contact(uow(), uuid.UUID(member["id"]))["contact_consent"] is False


def test_an_unknown_member_has_no_contact(uow):
    assert contacts.member_contact(uow(), uuid.uuid4()) is None


def test_the_officers_of_a_unit_come_nearest_first_with_their_distance(uow, engine):
    from sqlalchemy.orm import Session

    suffix = uuid.uuid4().hex[:6]
    with Session(engine) as session, session.begin():
        for username, unit, active in [
            (f"c.{suffix}", "00070", True), (f"p.{suffix}", "01", True), (f"x.{suffix}", "00070", False),
            (f"o.{suffix}", "00073", True),  # another commune: not above 00070
        ]:
            session.add(Officer(username=username, full_name="Cán bộ", password_hash="-", role="OFFICER",
                                unit_code=unit, active=active))
    found = [(o["username"], o["unit_code"], o["unit_level"], o["distance"])
             for o in contacts.unit_officers(uow(), "00070") if o["username"].endswith(suffix)]
    assert found == [(f"c.{suffix}", "00070", "COMMUNE", 0), (f"p.{suffix}", "01", "PROVINCE", 1)]
    assert contacts.unit_officers(uow(), "no-such-unit") == []
