import uuid
from datetime import date

import pytest

from contracts.errors import TransitionRejected
from contracts.members import LeaveMemberSchema, RejoinMemberSchema, StatisticsQuerySchema
from members.usecases import members, statistics

CONSENT = {"given": True, "channel": "PAPER_FORM"}


def rejoin(unit_code="00070", **fields):
    return RejoinMemberSchema().load({"unit_code": unit_code, "consent": CONSENT, **fields})


@pytest.fixture
def leaver(uow, register, officer):
    member = register(unit_code="00070", join_date=date(2020, 5, 1))
    left = LeaveMemberSchema().load({"left_on": "2024-03-01", "reason_code": "VOLUNTARY"})
    members.leave_member(uow(), officer, uuid.UUID(member["id"]), left)
    return uuid.UUID(member["id"])


def test_a_member_who_left_rejoins_with_a_new_membership_and_consent(uow, officer, leaver, rows):
    view = members.rejoin_member(uow(), officer, leaver, rejoin(join_date="2025-09-01"))
    history = rows("memberships", member_id=leaver)
    assert (view["status"], view["left_on"], view["join_date"]) == ("ACTIVE", None, "2025-09-01")
    assert [(m.start_reason, m.end_reason) for m in sorted(history, key=lambda m: m.started_on)] == [
        ("JOINED", "LEFT"),
        ("REJOINED", None),
    ]
    assert len(rows("consents", member_id=leaver)) == 2


def test_a_rejoin_emits_member_rejoined_with_the_next_version(uow, officer, leaver, events):
    members.rejoin_member(uow(), officer, leaver, rejoin())
    [(_, envelope)] = events("member_rejoined")
    assert (envelope["payload"]["member_id"], envelope["payload"]["member_version"]) == (str(leaver), 3)


def test_an_active_member_cannot_rejoin(uow, officer, register):
    member = register(unit_code="00070")
    with pytest.raises(TransitionRejected):
        members.rejoin_member(uow(), officer, uuid.UUID(member["id"]), rejoin())


def test_a_member_who_died_cannot_rejoin(uow, officer, register):
    member_id = uuid.UUID(register(unit_code="00070")["id"])
    members.leave_member(uow(), officer, member_id, LeaveMemberSchema().load({"reason_code": "DECEASED"}))
    with pytest.raises(TransitionRejected):
        members.rejoin_member(uow(), officer, member_id, rejoin())


def test_a_rejoin_before_the_day_of_leaving_is_rejected(uow, officer, leaver):
    with pytest.raises(TransitionRejected):
        members.rejoin_member(uow(), officer, leaver, rejoin(join_date="2024-01-01"))


def test_rejoining_counts_as_joining_in_the_statistics_of_the_period(uow, officer, leaver):
    members.rejoin_member(uow(), officer, leaver, rejoin(join_date="2025-09-01"))
    query = StatisticsQuerySchema().load({"from": "2025-01-01", "to": "2025-12-31"})
    figures = statistics.unit_statistics(uow(), officer, "00070", query)
    assert (figures["members_at_start"], figures["joined_in_period"], figures["members_at_end"]) == (0, 1, 1)
