"""Registering a subject for a title and a year, and reading registrations.

A registration falls under the campaign of its year opened at the subject's unit or its nearest ancestor,
which fixes the criteria set and the deadlines. One registration per subject, title and year (unique in
the database, so two concurrent registrations cannot both win).
"""

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from contracts.envelope import make_event
from contracts.errors import MemberNotFound
from contracts.evaluations import (
    SUBJECTS_OF_TITLE,
    AlreadyRegistered,
    DeadlinePassed,
    EvaluationNotFound,
    NoOpenCampaign,
    slot_of,
)
from evaluations import domain, repository
from evaluations.models import Evaluation
from evaluations.usecases import common

SOURCE = "evaluations"


@dataclass(frozen=True)
class Subject:
    kind: str
    key: str
    unit_code: str  # where the subject belongs
    unit_path: str
    member_id: object = None
    subject_unit_code: str | None = None
    name: str | None = None


def register_evaluation(uow, policy, actor, command, idempotency_key=None, on=None):
    with uow:
        replay = uow.idempotent("register_evaluation", actor["officer_id"], idempotency_key, command)
        if replay is not None:
            return replay
        common.require_write(actor)
        session, day = uow.session, on or common.today()
        subject = resolve_subject(session, actor, command["title_type"], command["subject"])
        campaign = repository.nearest_campaign(session, subject.unit_path, command["year"])
        if campaign is None:
            raise NoOpenCampaign(details={"unit_code": subject.unit_code, "year": command["year"]})
        slot = slot_of(command["title_type"], subject.kind)
        criteria_set = policy.criteria[campaign.criteria_sets[slot]]
        _check_form(criteria_set, command.get("form_code"))
        check_dossier_deadline(campaign, slot, day)
        if repository.evaluation_by_subject(session, subject.key, command["title_type"], command["year"]):
            raise AlreadyRegistered(details={"title_type": command["title_type"], "year": command["year"]})
        evaluation = _new_evaluation(actor, command, subject, campaign, criteria_set)
        repository.add(session, evaluation)
        _flush_unless_registered(session, command)
        uow.emit(event("evaluation_registered", evaluation, criteria_set_id=criteria_set.id))
        result = common.evaluation_view(evaluation, criteria_set)
        uow.remember(result)
        uow.commit()
    return result


def _new_evaluation(actor, command, subject, campaign, criteria_set):
    at = common.now()
    return Evaluation(
        campaign_id=campaign.id, title_type=command["title_type"], year=command["year"],
        criteria_set_id=criteria_set.id, form_code=command.get("form_code"), subject_kind=subject.kind,
        subject_key=subject.key, subject_name=subject.name, member_id=subject.member_id,
        subject_unit_code=subject.subject_unit_code, unit_code=subject.unit_code, unit_path=subject.unit_path,
        status=domain.REGISTERED, adjustments=[], registered_by=actor["username"], registered_at=at, updated_at=at,
    )


def _flush_unless_registered(session, command):
    try:
        session.flush()
    except IntegrityError:
        raise AlreadyRegistered(details={"title_type": command["title_type"], "year": command["year"]}) from None


def check_dossier_deadline(campaign, slot, day):
    deadline = domain.dossier_deadline(
        {"dossier_before": campaign.dossier_before, "community_dossier_before": campaign.community_dossier_before},
        slot,
    )
    if day >= deadline:
        raise DeadlinePassed(
            f"Dossiers of this campaign were due before {deadline.isoformat()}.",
            {"deadline": "DOSSIER", "date": deadline.isoformat(), "campaign_id": str(campaign.id)},
            f"Hồ sơ của đợt đánh giá phải nộp trước ngày {deadline.strftime('%d/%m/%Y')}.",
        )


def _check_form(criteria_set, form_code):
    if criteria_set.forms and form_code not in criteria_set.forms:
        raise common.one_field(
            "form_code", "form_required",
            f"Chọn một mẫu phiếu tự đánh giá: {', '.join(criteria_set.forms)}.",
            f"Choose a self-assessment form: {', '.join(criteria_set.forms)}.",
        )
    if not criteria_set.forms and form_code is not None:
        raise common.one_field(
            "form_code", "no_forms", "Bộ tiêu chí này không có mẫu phiếu.", "This criteria set has no forms."
        )


# --- subjects -------------------------------------------------------------------------------------------


def resolve_subject(session, actor, title_type, subject):
    """The subject as it is known here, inside the actor's scope; 404 for a member or unit outside it."""
    kind = subject["kind"]
    if kind not in SUBJECTS_OF_TITLE[title_type]:
        raise common.one_field(
            "subject.kind", "subject_kind_not_allowed",
            f"Danh hiệu này dành cho: {', '.join(SUBJECTS_OF_TITLE[title_type])}.",
            f"This title is for: {', '.join(SUBJECTS_OF_TITLE[title_type])}.",
        )
    scope = common.scope_path(session, actor)
    if kind == "PERSON":
        member = _member_in_scope(session, _required(subject, "member_id"), scope)
        return Subject(kind, domain.subject_key(kind, member_id=member.member_id), member.unit_code,
                       member.unit_path, member_id=member.member_id)
    if kind == "HOUSEHOLD":
        return _named_subject(session, subject, scope, kind)
    if kind == "CLAN" and subject.get("name"):
        return _named_subject(session, subject, scope, kind)
    unit = common.unit_in_scope(session, _required(subject, "unit_code"), scope)
    _check_unit_subject(unit, kind)
    return Subject(kind, domain.subject_key(kind, unit_code=unit.code), unit.code, unit.path,
                   subject_unit_code=unit.code)


def _named_subject(session, subject, scope, kind):
    """A household, or a clan without a unit of its own: a name within a commune or grassroots unit."""
    unit = common.unit_in_scope(session, _required(subject, "unit_code"), scope)
    if unit.level not in ("COMMUNE", "GRASSROOTS"):
        raise common.one_field(
            "subject.unit_code", "unit_level_not_allowed",
            "Hộ gia đình, dòng họ thuộc một xã hoặc một chi hội cơ sở.",
            "Households and clans belong to a commune or a grassroots unit.",
        )
    head = subject.get("member_id")
    if head is not None:
        head = _member_in_scope(session, head, scope).member_id
    name = " ".join(_required(subject, "name").split())
    return Subject(kind, domain.subject_key(kind, unit_code=unit.code, name=name), unit.code, unit.path,
                   member_id=head, name=name)


def _check_unit_subject(unit, kind):
    kinds = domain.UNIT_KINDS_OF_SUBJECT.get(kind)
    if unit.level != domain.LEVEL_OF_SUBJECT[kind] or (kinds and unit.kind not in kinds):
        wanted = f"{domain.LEVEL_OF_SUBJECT[kind]} {'/'.join(kinds or ())}".strip()
        raise common.one_field(
            "subject.unit_code", "unit_not_this_subject",
            f"Đơn vị này không phải đối tượng của danh hiệu (cần: {wanted}).",
            f"This unit cannot hold this title (needed: {wanted}).",
        )


def _member_in_scope(session, member_id, scope):
    member = repository.get_member_unit(session, common.as_uuid(member_id))
    if member is None or member.status != "ACTIVE" or not member.unit_path.startswith(scope):
        raise MemberNotFound(details={"member_id": str(member_id)})
    return member


def _required(subject, name):
    if not subject.get(name):
        raise common.one_field(
            f"subject.{name}", "required", "Trường này là bắt buộc với đối tượng này.",
            "This field is required for this kind of subject.",
        )
    return subject[name]


# --- reading --------------------------------------------------------------------------------------------


def get_evaluation(uow, policy, actor, evaluation_id):
    with uow:
        evaluation = common.evaluation_in_scope(uow.session, actor, evaluation_id)
        return common.evaluation_view(evaluation, policy.criteria[evaluation.criteria_set_id])


def list_evaluations(uow, policy, actor, query):
    with uow:
        scope = common.scope_path(uow.session, actor)
        path = common.unit_in_scope(uow.session, query["unit_code"], scope).path if query.get("unit_code") else scope
        items, total = repository.search_evaluations(
            uow.session, path, query.get("year"), query.get("title_type"), query.get("status"),
            query.get("member_id"), query["page"], query["page_size"],
        )
        return {
            "items": [common.evaluation_view(e, policy.criteria[e.criteria_set_id]) for e in items],
            "page": query["page"],
            "page_size": query["page_size"],
            "total": total,
        }


def evaluation_brief(uow, evaluation_id):
    """What another service (notifications) needs of an evaluation: ids and codes, no names."""
    with uow:
        evaluation = repository.get_evaluation(uow.session, common.as_uuid(evaluation_id))
        if evaluation is None:
            raise EvaluationNotFound(details={"evaluation_id": str(evaluation_id)})
        return {
            "id": str(evaluation.id),
            "title_type": evaluation.title_type,
            "year": evaluation.year,
            "unit_code": evaluation.unit_code,
            "subject_kind": evaluation.subject_kind,
            "member_id": str(evaluation.member_id) if evaluation.member_id else None,
            "outcome": evaluation.outcome,
            "decision_reference": evaluation.decision_reference,
        }


def event(event_type, evaluation, **extra):
    return make_event(
        event_type,
        {
            "evaluation_id": evaluation.id,
            "campaign_id": evaluation.campaign_id,
            "title_type": evaluation.title_type,
            "year": evaluation.year,
            "unit_code": evaluation.unit_code,
            "unit_path": evaluation.unit_path,
            "subject_kind": evaluation.subject_kind,
            "member_id": evaluation.member_id,
            "subject_unit_code": evaluation.subject_unit_code,
            **extra,
        },
        SOURCE,
    )
