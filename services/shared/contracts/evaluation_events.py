"""Payloads of the evaluations service's events (exchange ``evaluations.events``), versioned (see
``contracts.envelope``). No personal data: subject ids and kinds, unit codes, year, title type, outcome,
score and the decision reference; never a name of a person, a household or a clan, a CCCD or a phone.
"""

from marshmallow import EXCLUDE, Schema, fields, validate

from contracts.envelope import event_schema
from contracts.evaluations import OUTCOMES, SUBJECT_KINDS, TITLE_TYPES

SOURCE = "evaluations"


class _EvaluationPayload(Schema):
    class Meta:
        unknown = EXCLUDE

    evaluation_id = fields.UUID(required=True)
    campaign_id = fields.UUID(required=True)
    title_type = fields.String(required=True, validate=validate.OneOf(TITLE_TYPES))
    year = fields.Integer(required=True, strict=True)
    unit_code = fields.String(required=True, metadata={"description": "where the subject belongs"})
    unit_path = fields.String(required=True)
    subject_kind = fields.String(required=True, validate=validate.OneOf(SUBJECT_KINDS))
    member_id = fields.UUID(load_default=None, allow_none=True, metadata={"description": "PERSON; HOUSEHOLD head"})
    subject_unit_code = fields.String(load_default=None, allow_none=True, metadata={"description": "unit subjects"})


@event_schema("evaluation_registered", 1)
class EvaluationRegisteredV1(_EvaluationPayload):
    criteria_set_id = fields.String(required=True)


@event_schema("self_assessment_submitted", 1)
class SelfAssessmentSubmittedV1(_EvaluationPayload):
    score = fields.Integer(required=True, strict=True)


@event_schema("evaluation_completed", 1)
class EvaluationCompletedV1(_EvaluationPayload):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    score = fields.Integer(load_default=None, allow_none=True)
    degree = fields.String(load_default=None, allow_none=True)
    decision_reference = fields.String(required=True)
    decided_on = fields.Date(required=True)
