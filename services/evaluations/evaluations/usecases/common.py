"""What every use case needs: the clock, the actor's scope and rights, the views returned over RPC."""

import uuid
from datetime import UTC, datetime, timedelta, timezone

from contracts.errors import PermissionDenied, ValidationFailed, field_error
from contracts.evaluations import (
    CampaignSchema,
    EvaluationNotFound,
    EvaluationSchema,
    ReviewLevelRequired,
    slot_of,
)
from evaluations import domain, repository
from evaluations.models import ORG_UNITS
from servicekit import orgunits

VIETNAM = timezone(timedelta(hours=7))  # no daylight saving time


def today():
    """Deadlines are Vietnamese calendar dates. Use cases take ``on`` (a date) to override it: tests set
    the day through it instead of depending on the real date."""
    return datetime.now(VIETNAM).date()


def now():
    return datetime.now(UTC)


def require_write(actor):
    if actor["role"] not in ("OFFICER", "ADMIN"):
        raise PermissionDenied()


def scope_path(session, actor):
    return orgunits.scope_path(session, ORG_UNITS, actor)


def unit_in_scope(session, code, scope):
    return orgunits.unit_in_scope(session, ORG_UNITS, code, scope)


def require_recognising_level(session, policy, actor, evaluation):
    """Reviews and decisions belong to officers at the title's recognising level or above (configuration)."""
    slot = slot_of(evaluation.title_type, evaluation.subject_kind)
    required = policy.recognising_level[slot]
    unit = orgunits.get_unit(session, ORG_UNITS, actor["unit_code"])
    if unit is None or not domain.at_or_above(unit.level, required):
        raise ReviewLevelRequired(details={"required_level": required, "title_type": evaluation.title_type})


def as_uuid(value):
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def evaluation_in_scope(session, actor, evaluation_id, for_update=False):
    scope = scope_path(session, actor)
    evaluation = repository.get_evaluation(session, as_uuid(evaluation_id), scope, for_update)
    if evaluation is None:
        raise EvaluationNotFound(details={"evaluation_id": str(evaluation_id)})
    return evaluation


def one_field(field, code, vi, en):
    return ValidationFailed.from_fields({field: [field_error(code, vi, en)]})


def campaign_view(campaign):
    return CampaignSchema().dump(
        {
            "id": campaign.id,
            "unit_code": campaign.unit_code,
            "year": campaign.year,
            "criteria_sets": campaign.criteria_sets,
            "dossier_before": campaign.dossier_before,
            "community_dossier_before": campaign.community_dossier_before,
            "recognition_by": campaign.recognition_by,
            "report_before": campaign.report_before,
            "opened_by": campaign.opened_by,
            "opened_at": campaign.opened_at,
        }
    )


def evaluation_view(evaluation, criteria_set):
    current = evaluation.reviewed_answers or evaluation.answers
    verdict = domain.verdict(criteria_set, domain.score(criteria_set, current)) if current is not None else None
    return EvaluationSchema().dump(
        {
            **{name: getattr(evaluation, name) for name in _COPIED},
            "passes_rule": verdict.passes if verdict else None,
            "class_code": verdict.class_code if verdict else None,
        }
    )


_COPIED = (
    "id", "campaign_id", "title_type", "year", "criteria_set_id", "form_code", "subject_kind", "subject_name",
    "member_id", "subject_unit_code", "unit_code", "status", "answers", "self_score", "reviewed_answers", "score",
    "adjustments", "review_note", "outcome", "degree", "decision_reference", "decided_on", "registered_at",
    "updated_at",
)
