import uuid
from datetime import date

import pytest

from contracts.errors import IdempotencyKeyReused, UnitNotFound
from contracts.members import CreateUnitSchema, LeaveMemberSchema, TransferMemberSchema
from members.usecases import members, units


def test_a_registration_retried_with_the_same_key_returns_the_first_result(uow, officer, registration, count):
    command = registration()
    first = members.register_member(uow(), officer, command, idempotency_key="form-1")
    again = members.register_member(uow(), officer, command, idempotency_key="form-1")
    assert again == first
    assert count("members", cccd=command["cccd"]) == 1
    assert count("outbox", event_type="member_registered") == 1


def test_a_key_reused_for_a_different_registration_is_rejected(uow, officer, registration, count):
    members.register_member(uow(), officer, registration(), idempotency_key="form-1")
    with pytest.raises(IdempotencyKeyReused):
        members.register_member(uow(), officer, registration(), idempotency_key="form-1")
    assert count("members") == 1


def test_keys_belong_to_the_officer_who_sent_them(uow, actor, registration, count):
    first = members.register_member(uow(), actor("OFFICER", "00070"), registration(), idempotency_key="form-1")
    second = members.register_member(uow(), actor("OFFICER", "00070"), registration(), idempotency_key="form-1")
    assert first["id"] != second["id"]
    assert count("members") == 2


def test_a_registration_that_failed_can_be_retried_with_the_same_key(uow, officer, registration, count):
    command = registration()
    with pytest.raises(UnitNotFound):  # the failure rolls the key back with the rest
        members.register_member(uow(), officer, {**command, "unit_code": "00073"}, idempotency_key="form-1")
    members.register_member(uow(), officer, command, idempotency_key="form-1")
    assert count("members", cccd=command["cccd"]) == 1


def test_a_transfer_retried_with_the_same_key_moves_the_member_once(uow, actor, register, count, events):
    hanoi = actor("OFFICER", "01")
    member = uuid.UUID(register("00070", by=hanoi, join_date=date(2025, 9, 1))["id"])
    command = TransferMemberSchema().load({"to_unit_code": "00073", "transferred_on": "2026-03-01"})
    first = members.transfer_member(uow(), hanoi, member, command, idempotency_key="move-1")
    assert members.transfer_member(uow(), hanoi, member, command, idempotency_key="move-1") == first
    assert (count("memberships", member_id=member), len(events("member_transferred"))) == (2, 1)


def test_a_leave_retried_with_the_same_key_is_not_rejected_as_leaving_twice(uow, officer, register):
    member = uuid.UUID(register()["id"])
    command = LeaveMemberSchema().load({})
    first = members.leave_member(uow(), officer, member, command, idempotency_key="leave-1")
    assert members.leave_member(uow(), officer, member, command, idempotency_key="leave-1") == first


def test_a_unit_creation_retried_with_the_same_key_issues_one_code(uow, actor, count):
    admin = actor("ADMIN", "00070")
    command = CreateUnitSchema().load({"parent_code": "00070", "name": "Chi hội Tổ dân phố số 1", "kind": "VILLAGE"})
    first = units.create_unit(uow(), admin, command, idempotency_key="unit-1")
    assert units.create_unit(uow(), admin, command, idempotency_key="unit-1") == first
    assert count("units", level="GRASSROOTS") == 1
