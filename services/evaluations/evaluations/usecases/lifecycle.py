"""REGISTERED → SELF_ASSESSED → REVIEWED → RECOGNISED | NOT_RECOGNISED, each step in one transaction.

- The self-assessment's answers are scored by the service against the pinned criteria set.
- A reviewer at the title's recognising level (or above) may adjust points, each with a reason; the
  adjustments are kept with who made them and when.
- The decision carries a decision reference. Recognising needs the set's pass rule (when the rule decides)
  and, for Đơn vị học tập, the configured share of the unit's members recognised as Công dân học tập that
  year, counted from the service's own projection of members.

Every step out of turn is ``TransitionRejected`` (409); a step after its deadline ``DeadlinePassed`` (409).
A step retried with the same ``Idempotency-Key`` (a reply lost on a phone's network) gets the first answer
again instead of a 409, since the evaluation has moved on.
"""

from contracts.evaluations import DeadlinePassed, RecognitionRejected, slot_of
from evaluations import domain, repository
from evaluations.usecases import common
from evaluations.usecases.registrations import check_dossier_deadline, event
from servicekit import business


def submit_self_assessment(uow, policy, actor, evaluation_id, command, on=None, idempotency_key=None):
    with uow:
        request = _request(evaluation_id, command)
        replay = uow.idempotent("submit_self_assessment", actor["officer_id"], idempotency_key, request)
        if replay is not None:
            return replay
        common.require_write(actor)
        evaluation = common.evaluation_in_scope(uow.session, actor, evaluation_id, for_update=True)
        status = domain.next_status(evaluation.status, "self_assess")
        campaign = repository.get_campaign(uow.session, evaluation.campaign_id)
        check_dossier_deadline(campaign, slot_of(evaluation.title_type, evaluation.subject_kind), on or common.today())
        criteria_set = policy.criteria[evaluation.criteria_set_id]
        result = domain.score(criteria_set, command["answers"])
        evaluation.answers, evaluation.self_score, evaluation.score = result.answers, result.total, result.total
        _advance(evaluation, status)
        uow.emit(event("self_assessment_submitted", evaluation, score=result.total))
        view = common.evaluation_view(evaluation, criteria_set)
        uow.remember(view)
        uow.commit()
    return view


def review_evaluation(uow, policy, actor, evaluation_id, command, on=None, idempotency_key=None):
    with uow:
        request = _request(evaluation_id, command)
        replay = uow.idempotent("review_evaluation", actor["officer_id"], idempotency_key, request)
        if replay is not None:
            return replay
        common.require_write(actor)
        evaluation = common.evaluation_in_scope(uow.session, actor, evaluation_id, for_update=True)
        common.require_recognising_level(uow.session, policy, actor, evaluation)
        status = domain.next_status(evaluation.status, "review")
        _check_recognition_deadline(uow.session, evaluation, on or common.today())
        criteria_set = policy.criteria[evaluation.criteria_set_id]
        adjusted = domain.adjust(criteria_set, evaluation.answers, command["adjustments"])
        at = common.now().isoformat()
        evaluation.adjustments = [
            {"indicator": c["indicator"], "from_points": evaluation.answers[c["indicator"]], "to_points": c["points"],
             "reason": c["reason"], "by": actor["username"], "at": at}
            for c in command["adjustments"]
        ]
        evaluation.reviewed_answers = adjusted
        evaluation.score = domain.score(criteria_set, adjusted).total
        evaluation.review_note, evaluation.reviewed_by = command.get("note"), actor["username"]
        _advance(evaluation, status)
        view = common.evaluation_view(evaluation, criteria_set)
        uow.remember(view)
        uow.commit()
    return view


def decide_evaluation(uow, policy, actor, evaluation_id, command, on=None, idempotency_key=None):
    with uow:
        request = _request(evaluation_id, command)
        replay = uow.idempotent("decide_evaluation", actor["officer_id"], idempotency_key, request)
        if replay is not None:
            return replay
        common.require_write(actor)
        session, day = uow.session, on or common.today()
        evaluation = common.evaluation_in_scope(session, actor, evaluation_id, for_update=True)
        common.require_recognising_level(session, policy, actor, evaluation)
        status = domain.next_status(evaluation.status, "decide", command["outcome"])
        decided_on = _decision_date(command.get("decided_on"), day)
        _check_recognition_deadline(session, evaluation, decided_on)
        criteria_set = policy.criteria[evaluation.criteria_set_id]
        _check_degree(criteria_set, command)
        if command["outcome"] == domain.RECOGNISED:
            _check_pass_rule(criteria_set, evaluation)
            if evaluation.title_type == "DON_VI_HOC_TAP":
                _check_members_share(session, policy, evaluation)
        evaluation.outcome, evaluation.degree = command["outcome"], command.get("degree")
        evaluation.decision_reference, evaluation.decided_on = command["decision_reference"], decided_on
        evaluation.decided_by = actor["username"]
        _advance(evaluation, status)
        uow.emit(event("evaluation_completed", evaluation, outcome=evaluation.outcome, score=evaluation.score,
                       degree=evaluation.degree, decision_reference=evaluation.decision_reference,
                       decided_on=decided_on))
        view = common.evaluation_view(evaluation, criteria_set)
        uow.remember(view)
        uow.commit()
    business.count("evaluations", "completed")  # after the commit, never for a replay
    return view


def _request(evaluation_id, command):
    """What a retry must repeat to replay the first answer: the evaluation and the body."""
    return {"evaluation_id": str(evaluation_id), **command}


def _advance(evaluation, status):
    evaluation.status, evaluation.updated_at = status, common.now()


def _check_recognition_deadline(session, evaluation, day):
    campaign = repository.get_campaign(session, evaluation.campaign_id)
    if day > campaign.recognition_by:
        raise DeadlinePassed(
            f"Reviews and decisions of this campaign were due by {campaign.recognition_by.isoformat()}.",
            {"deadline": "RECOGNITION", "date": campaign.recognition_by.isoformat(), "campaign_id": str(campaign.id)},
            f"Đợt đánh giá phải thẩm định và quyết định chậm nhất ngày {campaign.recognition_by.strftime('%d/%m/%Y')}.",
        )


def _decision_date(decided_on, today):
    if decided_on is None:
        return today
    if decided_on > today:
        raise common.one_field(
            "decided_on", "date_in_future", "Ngày quyết định chưa tới.", "The decision date is in the future."
        )
    return decided_on


def _check_degree(criteria_set, command):
    degree = command.get("degree")
    if criteria_set.levels and command["outcome"] == domain.RECOGNISED and degree not in criteria_set.levels:
        raise common.one_field(
            "degree", "degree_required", f"Chọn mức độ công nhận: {', '.join(criteria_set.levels)}.",
            f"Give the degree recognised: {', '.join(criteria_set.levels)}.",
        )
    if degree is not None and degree not in criteria_set.levels:
        raise common.one_field("degree", "no_degrees", "Danh hiệu này không có mức độ.", "This title has no degrees.")


def _check_pass_rule(criteria_set, evaluation):
    verdict = domain.verdict(criteria_set, domain.score(criteria_set, evaluation.reviewed_answers))
    if verdict.passes is False:
        raise RecognitionRejected(
            "The reviewed points do not meet the pass rule of the criteria set.",
            {"reasons": list(verdict.reasons), "score": evaluation.score, "criteria_set_id": criteria_set.id},
            "Điểm sau thẩm định chưa đạt điều kiện công nhận của bộ tiêu chí.",
        )


def _check_members_share(session, policy, evaluation):
    """Circular 24/2023: a learning unit needs the configured share of its members recognised as learning
    citizens that year (members: ACTIVE in the projection under the unit)."""
    members = repository.count_active_members(session, evaluation.unit_path)
    recognised = repository.count_recognised_among(session, evaluation.unit_path, "CONG_DAN_HOC_TAP",
                                                   evaluation.year)
    share = domain.percent(recognised, members)
    if share is None or share < policy.unit_cdht_min_percent:
        raise RecognitionRejected(
            f"{recognised} of the unit's {members} members are recognised as Công dân học tập in "
            f"{evaluation.year}; {policy.unit_cdht_min_percent}% are needed.",
            {"reasons": ["members_share_below_minimum"], "members": members, "recognised": recognised,
             "percent": share, "required_percent": policy.unit_cdht_min_percent},
            f"Mới có {recognised}/{members} hội viên của đơn vị được công nhận Công dân học tập năm "
            f"{evaluation.year}; cần tối thiểu {policy.unit_cdht_min_percent}%.",
        )
