"""A registration from REGISTERED to a decision through the use cases, on SQLite and PostgreSQL: scoring
by the service, reviews with reasons kept, every illegal transition, every deadline, the subject checks."""

import uuid
from datetime import date

import pytest

from contracts.errors import MemberNotFound, PermissionDenied, TransitionRejected, UnitNotFound, ValidationFailed
from contracts.evaluations import (
    AlreadyRegistered,
    CampaignAlreadyOpen,
    DeadlinePassed,
    NoOpenCampaign,
    RecognitionRejected,
    ReviewLevelRequired,
)
from evaluations.usecases import lifecycle, projection, registrations

YEAR, DAY = 2026, date(2026, 6, 1)
CITIZEN_ANSWERS = dict.fromkeys(
    ("NL1.1", "NL1.2", "NL1.3", "NL1.4", "NL2.1", "NL2.2", "NL2.3", "NL2.4", "NL3.1", "NL3.2"), 9)


def citizen(member_id):
    return {"title_type": "CONG_DAN_HOC_TAP", "year": YEAR, "form_code": "RESIDENT",
            "subject": {"kind": "PERSON", "member_id": member_id}}


@pytest.fixture
def steps(uow, policy, officer):
    """``steps.register(command)``, ``.assess(id)``, ``.review(id)``, ``.decide(id)``; ``on`` is the day."""

    class Steps:
        def register(self, command, by=officer, on=DAY):
            return registrations.register_evaluation(uow(), policy, by, command, on=on)

        def assess(self, evaluation_id, answers=None, on=DAY):
            payload = {"answers": CITIZEN_ANSWERS if answers is None else answers}
            return lifecycle.submit_self_assessment(uow(), policy, officer, evaluation_id, payload, on=on)

        def review(self, evaluation_id, adjustments=(), by=officer, on=DAY):
            payload = {"adjustments": list(adjustments), "note": None}
            return lifecycle.review_evaluation(uow(), policy, by, evaluation_id, payload, on=on)

        def decide(self, evaluation_id, outcome="RECOGNISED", on=DAY, by=officer, **extra):
            payload = {"outcome": outcome, "decision_reference": "15/QĐ-KH", "decided_on": None, **extra}
            return lifecycle.decide_evaluation(uow(), policy, by, evaluation_id, payload, on=on)

    return Steps()


def test_a_citizen_is_registered_assessed_reviewed_and_recognised_with_its_events(campaign, member, steps, events):
    campaign()
    member_id = member()
    registered = steps.register(citizen(member_id))
    assessed = steps.assess(registered["id"])
    adjustment = {"indicator": "NL2.2", "points": 6, "reason": "Chưa có chứng chỉ ngoại ngữ"}
    reviewed = steps.review(registered["id"], [adjustment])
    decided = steps.decide(registered["id"])
    assert (registered["status"], assessed["self_score"], assessed["passes_rule"]) == ("REGISTERED", 90, True)
    assert (reviewed["score"], reviewed["adjustments"][0]["from_points"], reviewed["adjustments"][0]["reason"]) == (
        87, 9, "Chưa có chứng chỉ ngoại ngữ")
    assert (decided["status"], decided["outcome"], decided["decided_on"]) == ("RECOGNISED", "RECOGNISED", "2026-06-01")
    completed = events("evaluation_completed")[0]["payload"]
    assert [e["event_type"] for e in events()] == ["evaluation_registered", "self_assessment_submitted",
                                                   "evaluation_completed"]
    assert (completed["member_id"], completed["outcome"], completed["score"]) == (str(member_id), "RECOGNISED", 87)


def test_a_reviewed_score_under_the_pass_rule_cannot_be_recognised_but_can_be_refused(campaign, member, steps):
    campaign()
    evaluation_id = steps.register(citizen(member()))["id"]
    steps.assess(evaluation_id)
    steps.review(evaluation_id, [{"indicator": "NL1.1", "points": 4, "reason": "Không có minh chứng"}])
    with pytest.raises(RecognitionRejected) as error:
        steps.decide(evaluation_id)
    assert error.value.details["reasons"] == ["indicator_below_floor"]
    assert steps.decide(evaluation_id, "NOT_RECOGNISED")["status"] == "NOT_RECOGNISED"


def test_answers_out_of_range_are_refused_with_field_codes_and_nothing_changes(campaign, member, steps, uow, policy,
                                                                               officer):
    campaign()
    evaluation_id = steps.register(citizen(member()))["id"]
    with pytest.raises(ValidationFailed) as error:
        steps.assess(evaluation_id, {**CITIZEN_ANSWERS, "NL1.1": 11})
    assert error.value.fields["answers.NL1.1"][0]["code"] == "points_out_of_range"
    assert registrations.get_evaluation(uow(), policy, officer, evaluation_id)["status"] == "REGISTERED"


def advance(steps, evaluation_id, status):
    if status != "REGISTERED":
        steps.assess(evaluation_id)
    if status not in ("REGISTERED", "SELF_ASSESSED"):
        steps.review(evaluation_id)
    if status in ("RECOGNISED", "NOT_RECOGNISED"):
        steps.decide(evaluation_id, status)


LEGAL = {("REGISTERED", "assess"), ("SELF_ASSESSED", "review"), ("REVIEWED", "decide")}


@pytest.mark.parametrize(("status", "action"), [
    (s, a) for s in ("REGISTERED", "SELF_ASSESSED", "REVIEWED", "RECOGNISED", "NOT_RECOGNISED")
    for a in ("assess", "review", "decide") if (s, a) not in LEGAL])
def test_every_illegal_transition_is_409_and_leaves_the_evaluation_as_it_was(campaign, member, steps, status, action,
                                                                             uow, policy, officer):
    campaign()
    evaluation_id = steps.register(citizen(member()))["id"]
    advance(steps, evaluation_id, status)
    with pytest.raises(TransitionRejected) as error:
        getattr(steps, action)(evaluation_id)
    assert error.value.details["status"] == status
    assert registrations.get_evaluation(uow(), policy, officer, evaluation_id)["status"] == status


def test_registration_and_self_assessment_close_on_the_dossier_deadline(campaign, member, steps):
    campaign(dossier_before=date(2027, 1, 15))
    last_day = date(2027, 1, 14)
    evaluation_id = steps.register(citizen(member()), on=last_day)["id"]
    with pytest.raises(DeadlinePassed) as error:
        steps.register(citizen(member()), on=date(2027, 1, 15))
    assert error.value.details == {"deadline": "DOSSIER", "date": "2027-01-15",
                                   "campaign_id": error.value.details["campaign_id"]}
    with pytest.raises(DeadlinePassed):
        steps.assess(evaluation_id, on=date(2027, 1, 15))
    assert steps.assess(evaluation_id, on=last_day)["status"] == "SELF_ASSESSED"


def test_reviews_and_decisions_close_after_the_recognition_deadline(campaign, member, steps):
    campaign(recognition_by=date(2027, 3, 31))
    evaluation_id = steps.register(citizen(member()))["id"]
    steps.assess(evaluation_id)
    with pytest.raises(DeadlinePassed) as error:
        steps.review(evaluation_id, on=date(2027, 4, 1))
    assert error.value.details["deadline"] == "RECOGNITION"
    steps.review(evaluation_id, on=date(2027, 3, 31))
    with pytest.raises(DeadlinePassed):
        steps.decide(evaluation_id, on=date(2027, 4, 2), decided_on=date(2027, 4, 1))
    with pytest.raises(ValidationFailed) as error:
        steps.decide(evaluation_id, on=date(2027, 3, 30), decided_on=date(2027, 3, 31))
    assert error.value.fields["decided_on"][0]["code"] == "date_in_future"
    assert steps.decide(evaluation_id, on=date(2027, 4, 2), decided_on=date(2027, 3, 31))["status"] == "RECOGNISED"


def test_commune_communities_have_their_own_later_dossier_deadline(campaign, steps, actor):
    campaign("01", by=actor("ADMIN", "01"))
    province = actor("ADMIN", "01")
    command = {"title_type": "CONG_DONG_HOC_TAP", "year": YEAR, "subject": {"kind": "COMMUNE", "unit_code": "00070"}}
    evaluation = steps.register(command, by=province, on=date(2027, 2, 27))
    assert evaluation["criteria_set_id"] == "CONGDONG-XA-TT25-2023"
    command["subject"]["unit_code"] = "00073"
    with pytest.raises(DeadlinePassed):
        steps.register(command, by=province, on=date(2027, 2, 28))


def test_a_subject_registers_once_per_title_and_year(campaign, member, steps):
    campaign()
    member_id = member()
    steps.register(citizen(member_id))
    with pytest.raises(AlreadyRegistered):
        steps.register(citizen(member_id))
    household = {"title_type": "GIA_DINH_HOC_TAP", "year": YEAR,
                 "subject": {"kind": "HOUSEHOLD", "name": "Hộ số 3 phố Hàng Bạc", "unit_code": "00070"}}
    steps.register(household)
    household["subject"]["name"] = "ho so 3  pho hang bac"
    with pytest.raises(AlreadyRegistered):
        steps.register(household)


def test_subjects_are_checked_against_the_projections_and_the_scope(campaign, member, unit, steps, actor):
    campaign()
    with pytest.raises(MemberNotFound):
        steps.register(citizen(member(unit_code="00071", unit_path="/VN/01/00071/")))
    with pytest.raises(ValidationFailed) as error:
        steps.register({"title_type": "CONG_DONG_HOC_TAP", "year": YEAR,
                        "subject": {"kind": "VILLAGE", "unit_code": unit("SCHOOL")}})
    assert error.value.fields["subject.unit_code"][0]["code"] == "unit_not_this_subject"
    with pytest.raises(ValidationFailed) as error:
        steps.register({"title_type": "DON_VI_HOC_TAP", "year": YEAR, "subject": {"kind": "PERSON"}})
    assert error.value.fields["subject.kind"][0]["code"] == "subject_kind_not_allowed"
    with pytest.raises(ValidationFailed) as error:
        steps.register({**citizen(member()), "form_code": None})
    assert error.value.fields["form_code"][0]["code"] == "form_required"
    with pytest.raises(UnitNotFound):
        steps.register({"title_type": "CONG_DONG_HOC_TAP", "year": YEAR,
                        "subject": {"kind": "COMMUNE", "unit_code": "00073"}})


def test_a_member_who_left_cannot_be_registered(campaign, member, steps, uow):
    campaign()
    member_id = member()
    envelope = {"event_id": uuid.uuid4(), "event_type": "member_left"}
    payload = {"member_id": member_id, "member_version": 2, "unit_code": "00070", "unit_path": "/VN/01/00070/"}
    projection.record_member_event(uow(), "evaluations", envelope, payload)
    with pytest.raises(MemberNotFound):
        steps.register(citizen(member_id))


def test_without_a_campaign_of_the_year_registration_is_409_and_a_province_campaign_covers_its_communes(
        campaign, member, steps, actor):
    member_id = member()
    with pytest.raises(NoOpenCampaign):
        steps.register(citizen(member_id))
    opened = campaign("01", by=actor("ADMIN", "01"))
    assert steps.register(citizen(member_id))["campaign_id"] == opened["id"]


def test_reviews_and_decisions_need_the_recognising_level_and_viewers_write_nothing(campaign, member, unit, steps,
                                                                                   actor):
    campaign()
    village = unit()
    grassroots = actor("OFFICER", village)
    evaluation_id = steps.register(citizen(member(unit_code=village)), by=grassroots)["id"]
    steps.assess(evaluation_id)
    with pytest.raises(ReviewLevelRequired):
        steps.review(evaluation_id, by=grassroots)
    with pytest.raises(PermissionDenied):
        steps.register(citizen(member()), by=actor("VIEWER", "00070"))


def test_a_campaign_opens_once_per_unit_and_year_at_commune_level_or_above(campaign, unit, actor):
    campaign()
    with pytest.raises(CampaignAlreadyOpen):
        campaign()
    with pytest.raises(ValidationFailed) as error:
        campaign(unit(), by=actor("ADMIN", "00070"))
    assert error.value.fields["unit_code"][0]["code"] == "unit_level_not_allowed"


def test_a_campaign_refuses_a_set_of_another_title(uow, policy, actor):
    from evaluations.usecases import campaigns

    command = {"year": YEAR, "criteria_sets": {"CONG_DAN_HOC_TAP": "DVHT-TT22-2020"}, "deadlines": None}
    with pytest.raises(ValidationFailed) as error:
        campaigns.open_campaign(uow(), policy, actor("ADMIN", "00070"), "00070", command)
    assert error.value.fields["criteria_sets.CONG_DAN_HOC_TAP"][0]["code"] == "criteria_set_of_another_title"


def test_upcoming_deadlines_list_each_title_and_the_brief_carries_no_names(campaign, steps, uow, member):
    from evaluations.usecases import campaigns

    opened = campaign(dossier_before=date(2027, 1, 15), recognition_by=date(2027, 3, 31))
    soon = campaigns.upcoming_deadlines(uow(), 30, on=date(2027, 1, 1))
    assert {(d["title_type"], d["deadline"], d["date"]) for d in soon if d["campaign_id"] == opened["id"]} == {
        (t, "DOSSIER", "2027-01-15") for t in ("CONG_DAN_HOC_TAP", "GIA_DINH_HOC_TAP", "DONG_HO_HOC_TAP",
                                               "CONG_DONG_HOC_TAP", "DON_VI_HOC_TAP")}
    assert campaigns.upcoming_deadlines(uow(), 30, on=date(2026, 6, 1)) == []
    evaluation_id = steps.register(citizen(member()))["id"]
    brief = registrations.evaluation_brief(uow(), evaluation_id)
    assert set(brief) == {"id", "title_type", "year", "unit_code", "subject_kind", "member_id", "outcome",
                          "decision_reference"}


def test_a_step_retried_with_its_key_gets_the_first_answer_and_changes_nothing(campaign, member, steps, uow, policy,
                                                                             officer, events):
    campaign()
    registered = steps.register(citizen(member()))
    payload = {"answers": CITIZEN_ANSWERS}
    first = lifecycle.submit_self_assessment(uow(), policy, officer, registered["id"], payload, on=DAY,
                                             idempotency_key="assess-1")
    again = lifecycle.submit_self_assessment(uow(), policy, officer, registered["id"], payload, on=DAY,
                                             idempotency_key="assess-1")
    assert again == first and first["status"] == "SELF_ASSESSED"
    assert len(events("self_assessment_submitted")) == 1
    with pytest.raises(TransitionRejected):  # without the key, the same body is a second step out of turn
        lifecycle.submit_self_assessment(uow(), policy, officer, registered["id"], payload, on=DAY)
    decision = {"outcome": "RECOGNISED", "decision_reference": "15/QĐ-KH", "decided_on": None}
    steps.review(registered["id"])
    decided = lifecycle.decide_evaluation(uow(), policy, officer, registered["id"], decision, on=DAY,
                                          idempotency_key="decide-1")
    assert lifecycle.decide_evaluation(uow(), policy, officer, registered["id"], decision, on=DAY,
                                       idempotency_key="decide-1") == decided
    assert len(events("evaluation_completed")) == 1
