"""The projection of members (duplicated and reordered events), the 90% rule of Đơn vị học tập computed
from it, and the statistics of a subtree."""

import dataclasses
import uuid
from datetime import date

import pytest

from contracts.evaluations import RecognitionRejected
from evaluations import repository
from evaluations.usecases import lifecycle, projection, registrations, statistics

YEAR, DAY = 2026, date(2026, 6, 1)
PASSING = dict.fromkeys(("NL1.1", "NL1.2", "NL1.3", "NL1.4", "NL2.1", "NL2.2", "NL2.3", "NL2.4", "NL3.1", "NL3.2"), 9)


def deliver(uow, event_type, member_id, version, unit_code, unit_path, event_id=None):
    envelope = {"event_id": event_id or uuid.uuid4(), "event_type": event_type}
    payload = {"member_id": member_id, "member_version": version, "unit_code": unit_code, "unit_path": unit_path}
    projection.record_member_event(uow(), "evaluations", envelope, payload)
    return envelope["event_id"]


def row(uow, member_id):
    work = uow()
    with work:
        found = repository.get_member_unit(work.session, member_id)
        return (found.unit_code, found.status, found.member_version)


def test_events_applied_out_of_order_or_twice_leave_the_newest_state(uow):
    member_id = uuid.uuid4()
    deliver(uow, "member_left", member_id, 3, "00071", "/VN/01/00071/")
    deliver(uow, "member_registered", member_id, 1, "00070", "/VN/01/00070/")
    deliver(uow, "member_transferred", member_id, 2, "00071", "/VN/01/00071/")
    assert row(uow, member_id) == ("00071", "LEFT", 3)
    rejoined = deliver(uow, "member_rejoined", member_id, 4, "00070", "/VN/01/00070/")
    deliver(uow, "member_rejoined", member_id, 4, "00070", "/VN/01/00070/", event_id=rejoined)
    assert row(uow, member_id) == ("00070", "ACTIVE", 4)


@pytest.fixture
def school(unit):
    return unit("SCHOOL")


@pytest.fixture
def recognise(uow, policy, officer):
    """Take a subject from registration to a decision (citizens pass their pass rule)."""

    def recognise(command, answers, outcome="RECOGNISED", on_policy=None, **decision):
        chosen = on_policy or policy
        evaluation = registrations.register_evaluation(uow(), chosen, officer, command, on=DAY)
        lifecycle.submit_self_assessment(uow(), chosen, officer, evaluation["id"], {"answers": answers}, on=DAY)
        lifecycle.review_evaluation(uow(), chosen, officer, evaluation["id"], {"adjustments": []}, on=DAY)
        payload = {"outcome": outcome, "decision_reference": "7/QĐ-KH", **decision}
        return lambda: lifecycle.decide_evaluation(uow(), chosen, officer, evaluation["id"], payload, on=DAY)

    return recognise


def citizen(member_id):
    return {"title_type": "CONG_DAN_HOC_TAP", "year": YEAR, "form_code": "WORKER",
            "subject": {"kind": "PERSON", "member_id": member_id}}


def learning_unit(code):
    return {"title_type": "DON_VI_HOC_TAP", "year": YEAR, "subject": {"kind": "ORGANISATION", "unit_code": code}}


def unit_answers(policy):
    return {i.code: 1 for i in policy.criteria["DVHT-TT24-2023-HUYEN"].scored}


def staff_of(member, school, recognise, count, recognised):
    members = [member(unit_code=school) for _ in range(count)]
    for member_id in members[:recognised]:
        recognise(citizen(member_id), PASSING)()
    return members


def test_a_learning_unit_needs_90_percent_of_its_members_recognised_as_learning_citizens(
        campaign, member, school, recognise, policy):
    campaign()
    staff_of(member, school, recognise, 10, 8)
    decide = recognise(learning_unit(school), unit_answers(policy), degree="L1")
    with pytest.raises(RecognitionRejected) as error:
        decide()
    assert {k: error.value.details[k] for k in ("members", "recognised", "percent")} == {
        "members": 10, "recognised": 8, "percent": 80.0}


def test_at_exactly_90_percent_the_unit_is_recognised(campaign, member, school, recognise, policy):
    campaign()
    staff_of(member, school, recognise, 10, 9)
    decided = recognise(learning_unit(school), unit_answers(policy), degree="L1")()
    assert decided["outcome"] == "RECOGNISED" and decided["degree"] == "L1"


def test_the_percentage_is_configuration(campaign, member, school, recognise, policy):
    campaign()
    staff_of(member, school, recognise, 10, 8)
    lenient = dataclasses.replace(policy, unit_cdht_min_percent=80)
    assert recognise(learning_unit(school), unit_answers(policy), on_policy=lenient, degree="L1")()["status"] == (
        "RECOGNISED")


def test_members_who_left_do_not_count_in_the_share(campaign, member, school, recognise, policy, uow):
    campaign()
    members = staff_of(member, school, recognise, 10, 9)
    path = f"/VN/01/00070/{school}/"
    deliver(uow, "member_left", members[0], 2, school, path)
    with pytest.raises(RecognitionRejected) as error:
        recognise(learning_unit(school), unit_answers(policy), degree="L1")()
    assert (error.value.details["members"], error.value.details["recognised"]) == (9, 8)


def test_statistics_count_registered_and_recognised_against_all_and_the_targets(
        campaign, member, unit, recognise, uow, policy, actor):
    campaign()
    village = unit("VILLAGE")
    members = [member(unit_code=village) for _ in range(4)]
    recognise(citizen(members[0]), PASSING)()
    recognise(citizen(members[1]), PASSING, "NOT_RECOGNISED")()
    registrations.register_evaluation(uow(), policy, actor("OFFICER", "00070"), citizen(members[2]), on=DAY)
    result = statistics.evaluation_statistics(uow(), policy, actor("VIEWER", "00070"), village, {"year": YEAR})
    [cdht] = [t for t in result["titles"] if t["title_type"] == "CONG_DAN_HOC_TAP"]
    assert {k: cdht[k] for k in ("registered", "self_assessed", "reviewed", "recognised", "not_recognised",
                                  "percent_of_registered", "all", "percent_of_all")} == {
        "registered": 3, "self_assessed": 2, "reviewed": 2, "recognised": 1, "not_recognised": 1,
        "percent_of_registered": 33.33, "all": 4, "percent_of_all": 25.0}
    assert {(t["by_year"], t["percent"], t["population"]) for t in cdht["targets"]} >= {(2025, 40, "adults")}
    [family] = [t for t in result["titles"] if t["title_type"] == "GIA_DINH_HOC_TAP"]
    assert (family["registered"], family["all"], family["percent_of_registered"]) == (0, None, None)
