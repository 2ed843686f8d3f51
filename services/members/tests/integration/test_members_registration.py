import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from contracts.errors import MemberAlreadyRegistered, PermissionDenied, UnitNotFound, ValidationFailed
from members.models import Member
from members.usecases import members
from members.usecases.common import today


def problem_codes(error):
    return {field: [problem["code"] for problem in problems] for field, problems in error.fields.items()}


def test_a_registered_member_is_shown_with_a_masked_cccd_and_phone(uow, officer, registration):
    command = registration(phone="0912 345 678")
    view = members.register_member(uow(), officer, command)
    assert view["cccd_masked"] == f"{command['cccd'][:3]}******{command['cccd'][-3:]}"
    assert view["phone_masked"] == "091****678"
    assert command["cccd"] not in str(view) and "0912345678" not in str(view)


def test_registered_members_get_card_numbers_of_their_province_and_year_in_sequence(register, actor):
    yy = f"{today().year % 100:02d}"
    hanoi = actor("OFFICER", "01")
    assert register("00070", by=hanoi)["card_number"] == f"KH-01-{yy}-0000001"
    assert register("00073", by=hanoi)["card_number"] == f"KH-01-{yy}-0000002"


def test_a_registered_member_is_active_with_a_joined_membership_in_its_unit(register, rows):
    view = register(unit_code="00070")
    [membership] = rows("memberships", member_id=uuid.UUID(view["id"]))
    assert (view["status"], view["unit_code"], view["join_date"]) == ("ACTIVE", "00070", today().isoformat())
    assert (membership.unit_code, membership.unit_path) == ("00070", "/VN/01/00070/")
    assert (membership.start_reason, membership.started_on, membership.ended_on) == ("JOINED", today(), None)


def test_a_registered_member_has_a_timestamped_consent_record_by_the_officer(register, rows, officer):
    view = register(consent={"given": True, "channel": "ONLINE_FORM"})
    [consent] = rows("consents", member_id=uuid.UUID(view["id"]))
    assert (consent.channel, consent.purpose, consent.recorded_by) == ("ONLINE_FORM", "MEMBERSHIP", officer["username"])
    assert consent.given_at is not None and consent.withdrawn_at is None
    assert view["consent_given_at"] is not None


def test_a_cccd_disagreeing_with_gender_and_birth_year_is_rejected_with_every_problem(
    uow, officer, registration, new_cccd
):
    command = registration(cccd=new_cccd("MALE", 1990), gender="FEMALE", birth_year=1985, phone="12345")
    with pytest.raises(ValidationFailed) as caught:
        members.register_member(uow(), officer, command)
    assert problem_codes(caught.value) == {
        "cccd": ["cccd_gender_mismatch", "cccd_birth_year_mismatch"], "phone": ["phone_format"],
    }


def test_a_cccd_registered_twice_is_rejected_and_stored_once(uow, officer, registration, count):
    first = registration()
    members.register_member(uow(), officer, first)
    with pytest.raises(MemberAlreadyRegistered):
        members.register_member(uow(), officer, registration(cccd=first["cccd"], full_name="Trần Thị Bình"))
    assert count("members", cccd=first["cccd"]) == 1


def test_a_cccd_typed_in_groups_is_the_same_person(uow, officer, registration):
    first = registration()
    members.register_member(uow(), officer, first)
    grouped = f"{first['cccd'][:3]} {first['cccd'][3:6]} {first['cccd'][6:]}"
    with pytest.raises(MemberAlreadyRegistered):
        members.register_member(uow(), officer, registration(cccd=grouped))


def test_registration_without_consent_is_rejected(uow, officer, registration):
    with pytest.raises(ValidationFailed) as caught:
        members.register_member(uow(), officer, registration(consent={"given": False, "channel": "PAPER_FORM"}))
    assert problem_codes(caught.value) == {"consent.given": ["consent_required"]}


def test_a_minor_without_a_guardian_is_rejected(uow, officer, registration):
    command = registration(gender="FEMALE", birth_year=today().year - 10)
    with pytest.raises(ValidationFailed) as caught:
        members.register_member(uow(), officer, command)
    assert problem_codes(caught.value) == {"consent.guardian_name": ["guardian_consent_required"]}


def test_a_minor_with_a_guardian_is_registered_with_the_guardian_on_the_consent(register, rows):
    consent = {"given": True, "channel": "PAPER_FORM", "guardian_name": "Lê Văn Cường", "guardian_relation": "FATHER"}
    view = register(birth_year=today().year - 10, consent=consent)
    [record] = rows("consents", member_id=uuid.UUID(view["id"]))
    assert (record.guardian_name, record.guardian_relation) == ("Lê Văn Cường", "FATHER")


def test_an_officer_cannot_register_into_a_commune_outside_its_scope(uow, actor, registration):
    with pytest.raises(UnitNotFound):
        members.register_member(uow(), actor("OFFICER", "00070"), registration(unit_code="00073"))


def test_a_viewer_cannot_register_members(uow, actor, registration):
    with pytest.raises(PermissionDenied):
        members.register_member(uow(), actor("VIEWER", "00070"), registration(unit_code="00070"))


def test_a_province_does_not_accept_members(uow, actor, registration):
    with pytest.raises(ValidationFailed) as caught:
        members.register_member(uow(), actor("OFFICER", "01"), registration(unit_code="01"))
    assert problem_codes(caught.value) == {"unit_code": ["unit_not_accepting_members"]}


FAILURES = {  # (the officer's unit, what the registration changes, the error)
    "invalid fields": ("00070", {"gender": "FEMALE", "cccd": "001090000001"}, ValidationFailed),
    "no consent": ("00070", {"consent": {"given": False, "channel": "PAPER_FORM"}}, ValidationFailed),
    "outside scope": ("00070", {"unit_code": "00073"}, UnitNotFound),
    "not a unit of members": ("01", {"unit_code": "01"}, ValidationFailed),
}


@pytest.mark.parametrize("unit, overrides, error", FAILURES.values(), ids=FAILURES.keys())
def test_nothing_is_written_when_registration_fails(uow, actor, registration, count, unit, overrides, error):
    tables = ("members", "memberships", "consents", "outbox", "card_counters", "idempotency_keys")
    before = {table: count(table) for table in tables}
    with pytest.raises(error):
        members.register_member(uow(), actor("OFFICER", unit), registration(**overrides), idempotency_key="k-1")
    assert {table: count(table) for table in tables} == before


def test_nothing_is_written_when_the_cccd_is_a_duplicate(uow, officer, registration, count):
    first = registration()
    members.register_member(uow(), officer, first)
    tables = ("members", "memberships", "consents", "outbox", "idempotency_keys")
    before = {table: count(table) for table in tables}
    with pytest.raises(MemberAlreadyRegistered):
        members.register_member(uow(), officer, registration(cccd=first["cccd"]), idempotency_key="k-2")
    assert {table: count(table) for table in tables} == before


def test_a_registration_losing_a_race_for_the_same_cccd_is_rejected_as_a_duplicate(
    uow, officer, registration, lose_race, count
):
    command, now = registration(), datetime.now(UTC)
    rival = Member(
        id=uuid.uuid4(), cccd=command["cccd"], full_name="Nguyễn Văn An", name_folded="nguyen van an",
        gender="MALE", birth_year=1990, unit_code="00070", unit_path="/VN/01/00070/", status="ACTIVE",
        join_date=today(), card_number="KH-01-00-0000001", version=1, created_at=now, updated_at=now,
    )
    with pytest.raises(MemberAlreadyRegistered):
        lose_race(rival, lambda: members.register_member(uow(), officer, command))
    assert count("members", cccd=command["cccd"]) == 1


def test_a_card_carries_the_year_of_issue_not_the_year_of_joining(register):
    yy = f"{today().year % 100:02d}"
    assert register(join_date=date(2021, 3, 8))["card_number"] == f"KH-01-{yy}-0000001"


def test_a_join_date_in_the_future_is_rejected(uow, officer, registration):
    with pytest.raises(ValidationFailed) as caught:
        members.register_member(uow(), officer, registration(join_date=today() + timedelta(days=1)))
    assert problem_codes(caught.value) == {"join_date": ["date_in_future"]}
