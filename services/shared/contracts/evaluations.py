"""RPC DTOs and errors of the evaluations service. The gateway also uses them for HTTP bodies and the
OpenAPI document. Errors are registered with ``deserialize_to_instance`` as in ``contracts.errors``.

The five learning-model titles (DOMAIN.md, "Learning-model titles") and who can hold each:

| title type | subject kinds |
|---|---|
| CONG_DAN_HOC_TAP (Công dân học tập) | PERSON: a member (``member_id``) |
| GIA_DINH_HOC_TAP (Gia đình học tập) | HOUSEHOLD: a name, a unit, optionally the head's member id |
| DONG_HO_HOC_TAP (Dòng họ học tập) | CLAN: a grassroots unit of kind CLAN, or a name and a unit |
| CONG_DONG_HOC_TAP (Cộng đồng học tập) | VILLAGE: a grassroots VILLAGE unit; COMMUNE, PROVINCE (with degrees) |
| DON_VI_HOC_TAP (Đơn vị học tập) | ORGANISATION: a grassroots AGENCY, SCHOOL or ENTERPRISE unit |
"""

from marshmallow import fields, validate
from nameko.exceptions import deserialize_to_instance

from contracts.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from contracts.members import Lenient, Strict  # one definition of the two kinds of schema

TITLE_TYPES = ("CONG_DAN_HOC_TAP", "GIA_DINH_HOC_TAP", "DONG_HO_HOC_TAP", "CONG_DONG_HOC_TAP", "DON_VI_HOC_TAP")
SUBJECT_KINDS = ("PERSON", "HOUSEHOLD", "CLAN", "VILLAGE", "COMMUNE", "PROVINCE", "ORGANISATION")
SUBJECTS_OF_TITLE = {
    "CONG_DAN_HOC_TAP": ("PERSON",),
    "GIA_DINH_HOC_TAP": ("HOUSEHOLD",),
    "DONG_HO_HOC_TAP": ("CLAN",),
    "CONG_DONG_HOC_TAP": ("VILLAGE", "COMMUNE", "PROVINCE"),
    "DON_VI_HOC_TAP": ("ORGANISATION",),
}
# The criteria slot a campaign pins a set for: the title, except that communes and provinces have their own
# community regime (Circular 25/2023) beside the association's village-level title.
SLOTS = (*TITLE_TYPES, "CONG_DONG_HOC_TAP_XA")
STATUSES = ("REGISTERED", "SELF_ASSESSED", "REVIEWED", "RECOGNISED", "NOT_RECOGNISED")
OUTCOMES = ("RECOGNISED", "NOT_RECOGNISED")
SCORING_MODES = ("points", "pass_fail")
STATUSES_OF_VALUES = ("verified", "secondary", "partial", "inferred", "not_found", "domain")
DEADLINES = ("DOSSIER", "RECOGNITION")
MAX_PAGE_SIZE = 100


def slot_of(title_type, subject_kind):
    return "CONG_DONG_HOC_TAP_XA" if subject_kind in ("COMMUNE", "PROVINCE") else title_type


# --- criteria sets --------------------------------------------------------------------------------------


class CriteriaSetSummarySchema(Lenient):
    id = fields.String(required=True)
    version = fields.Integer(required=True)
    title_type = fields.String(required=True, validate=validate.OneOf(TITLE_TYPES))
    subject_kinds = fields.List(fields.String(), required=True)
    name_vi = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "verified, secondary, partial, inferred, not_found"})
    scoring = fields.String(required=True, validate=validate.OneOf(SCORING_MODES))
    pass_method = fields.String(required=True, metadata={"description": "threshold, classification, all_met, manual"})


class CriteriaSetListSchema(Lenient):
    items = fields.List(fields.Nested(CriteriaSetSummarySchema), required=True)


class CriteriaSetSchema(Lenient):
    """The whole file: criteria → indicators (max points, status, configurable), pass rule, forms, levels."""

    id = fields.String(required=True)
    version = fields.Integer(required=True)
    title_type = fields.String(required=True)
    subject_kinds = fields.List(fields.String(), required=True)
    name_vi = fields.String(required=True)
    legal_source = fields.String(allow_none=True)
    legal_source_status = fields.String()
    source = fields.String()
    status = fields.String(required=True)
    note = fields.String(allow_none=True)
    scoring = fields.String(required=True)
    scale_max = fields.Integer(allow_none=True)
    scale_status = fields.String(allow_none=True)
    forms = fields.List(fields.Dict())
    forms_status = fields.String(allow_none=True)
    levels = fields.List(fields.Dict())
    levels_status = fields.String(allow_none=True)
    criteria = fields.List(fields.Dict(), required=True)
    pass_rule = fields.Dict(required=True)


# --- campaigns ------------------------------------------------------------------------------------------


class DeadlinesSchema(Strict):
    dossier_before = fields.Date(
        load_default=None, metadata={"description": "registrations and self-assessments before this day"}
    )
    community_dossier_before = fields.Date(load_default=None, metadata={"description": "commune community dossiers"})
    recognition_by = fields.Date(load_default=None, metadata={"description": "reviews and decisions up to this day"})
    report_before = fields.Date(load_default=None, metadata={"description": "the yearly report"})


class OpenCampaignSchema(Strict):
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2000, max=2100))
    criteria_sets = fields.Dict(
        keys=fields.String(validate=validate.OneOf(SLOTS)),
        values=fields.String(),
        load_default=dict,
        metadata={"description": "criteria set id per slot (title type, or CONG_DONG_HOC_TAP_XA); default: current"},
    )
    deadlines = fields.Nested(DeadlinesSchema, load_default=None, allow_none=True)


class CampaignQuerySchema(Strict):
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))


class CampaignSchema(Lenient):
    id = fields.UUID(required=True)
    unit_code = fields.String(required=True)
    year = fields.Integer(required=True)
    criteria_sets = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    dossier_before = fields.Date(required=True)
    community_dossier_before = fields.Date(required=True)
    recognition_by = fields.Date(required=True)
    report_before = fields.Date(required=True)
    opened_by = fields.String(required=True)
    opened_at = fields.AwareDateTime(required=True)


class CampaignListSchema(Lenient):
    items = fields.List(fields.Nested(CampaignSchema), required=True)


# --- evaluations ----------------------------------------------------------------------------------------


class SubjectSchema(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(SUBJECT_KINDS))
    member_id = fields.UUID(load_default=None, allow_none=True, metadata={"description": "PERSON; HOUSEHOLD head"})
    unit_code = fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "the unit that is the subject (CLAN, VILLAGE, COMMUNE, PROVINCE, ORGANISATION) "
                  "or that a HOUSEHOLD or named CLAN belongs to"},
    )
    name = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=2, max=200))


class RegisterEvaluationSchema(Strict):
    title_type = fields.String(required=True, validate=validate.OneOf(TITLE_TYPES))
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2000, max=2100))
    subject = fields.Nested(SubjectSchema, required=True)
    form_code = fields.String(load_default=None, allow_none=True, metadata={"description": "Công dân học tập form"})


class SelfAssessmentSchema(Strict):
    answers = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(strict=True),
        required=True,
        metadata={"description": "points per indicator code (pass/fail sets: 1 met, 0 not met)"},
    )


class AdjustmentSchema(Strict):
    indicator = fields.String(required=True)
    points = fields.Integer(required=True, strict=True)
    reason = fields.String(required=True, validate=validate.Length(min=3, max=500))


class ReviewSchema(Strict):
    adjustments = fields.List(fields.Nested(AdjustmentSchema), load_default=list)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))


class DecisionSchema(Strict):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    decision_reference = fields.String(required=True, validate=validate.Length(min=3, max=100))
    decided_on = fields.Date(load_default=None, allow_none=True, metadata={"description": "default: today"})
    degree = fields.String(load_default=None, allow_none=True, metadata={"description": "level (L1, L2) if any"})


class EvaluationQuerySchema(Strict):
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))
    title_type = fields.String(load_default=None, validate=validate.OneOf(TITLE_TYPES))
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    unit_code = fields.String(load_default=None, metadata={"description": "the subtree; default: yours"})
    member_id = fields.UUID(load_default=None)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))


class AdjustmentRecordSchema(Lenient):
    indicator = fields.String(required=True)
    from_points = fields.Integer(required=True)
    to_points = fields.Integer(required=True)
    reason = fields.String(required=True)
    by = fields.String(required=True)
    at = fields.String(required=True, metadata={"description": "when (ISO 8601, UTC)"})


class EvaluationSchema(Lenient):
    id = fields.UUID(required=True)
    campaign_id = fields.UUID(required=True)
    title_type = fields.String(required=True, validate=validate.OneOf(TITLE_TYPES))
    year = fields.Integer(required=True)
    criteria_set_id = fields.String(required=True)
    form_code = fields.String(allow_none=True)
    subject_kind = fields.String(required=True, validate=validate.OneOf(SUBJECT_KINDS))
    subject_name = fields.String(allow_none=True)
    member_id = fields.UUID(allow_none=True)
    subject_unit_code = fields.String(allow_none=True)
    unit_code = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    answers = fields.Dict(keys=fields.String(), values=fields.Integer(), allow_none=True)
    self_score = fields.Integer(allow_none=True)
    reviewed_answers = fields.Dict(keys=fields.String(), values=fields.Integer(), allow_none=True)
    score = fields.Integer(allow_none=True, metadata={"description": "the current total (reviewed, else self)"})
    passes_rule = fields.Boolean(allow_none=True, metadata={"description": "null: the recogniser decides"})
    class_code = fields.String(allow_none=True)
    adjustments = fields.List(fields.Nested(AdjustmentRecordSchema))
    review_note = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    degree = fields.String(allow_none=True)
    decision_reference = fields.String(allow_none=True)
    decided_on = fields.Date(allow_none=True)
    registered_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


class EvaluationPageSchema(Lenient):
    items = fields.List(fields.Nested(EvaluationSchema), required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    total = fields.Integer(required=True)


# --- statistics -----------------------------------------------------------------------------------------


class StatisticsQuerySchema(Strict):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


class TargetSchema(Lenient):
    source = fields.String(required=True)
    by_year = fields.Integer(required=True)
    percent = fields.Integer(required=True)
    population = fields.String(required=True)


class TitleStatisticsSchema(Lenient):
    title_type = fields.String(required=True)
    registered = fields.Integer(required=True)
    self_assessed = fields.Integer(required=True)
    reviewed = fields.Integer(required=True)
    recognised = fields.Integer(required=True)
    not_recognised = fields.Integer(required=True)
    percent_of_registered = fields.Float(allow_none=True)
    all = fields.Integer(allow_none=True, metadata={"description": "the population; null when not known here"})
    all_basis = fields.String(required=True)
    percent_of_all = fields.Float(allow_none=True)
    targets = fields.List(fields.Nested(TargetSchema), required=True)


class EvaluationStatisticsSchema(Lenient):
    unit_code = fields.String(required=True)
    year = fields.Integer(required=True)
    titles = fields.List(fields.Nested(TitleStatisticsSchema), required=True)


# --- service to service (notifications) -----------------------------------------------------------------


class UpcomingDeadlineSchema(Lenient):
    campaign_id = fields.String(required=True)
    unit_code = fields.String(required=True)
    year = fields.Integer(required=True)
    title_type = fields.String(required=True)
    deadline = fields.String(required=True, validate=validate.OneOf(DEADLINES))
    date = fields.Date(required=True)


class EvaluationBriefSchema(Lenient):
    id = fields.String(required=True)
    title_type = fields.String(required=True)
    year = fields.Integer(required=True)
    unit_code = fields.String(required=True)
    subject_kind = fields.String(required=True)
    member_id = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    decision_reference = fields.String(allow_none=True)


# --- errors ---------------------------------------------------------------------------------------------


@deserialize_to_instance
class EvaluationNotFound(NotFound):
    code = "evaluation_not_found"
    default_en = "No such evaluation in your scope."
    default_vi = "Không tìm thấy hồ sơ đánh giá trong phạm vi của bạn."


@deserialize_to_instance
class CampaignNotFound(NotFound):
    code = "campaign_not_found"
    default_en = "No such campaign in your scope."
    default_vi = "Không tìm thấy đợt đánh giá trong phạm vi của bạn."


@deserialize_to_instance
class CriteriaSetNotFound(NotFound):
    code = "criteria_set_not_found"
    default_en = "No such criteria set."
    default_vi = "Không tìm thấy bộ tiêu chí."


@deserialize_to_instance
class CampaignAlreadyOpen(Conflict):
    code = "campaign_already_open"
    default_en = "This unit already has a campaign for this year."
    default_vi = "Đơn vị đã mở đợt đánh giá của năm này."


@deserialize_to_instance
class NoOpenCampaign(Conflict):
    code = "no_campaign"
    default_en = "No campaign of this year covers the subject's unit: open one first."
    default_vi = "Chưa có đợt đánh giá của năm này cho đơn vị: hãy mở đợt đánh giá trước."


@deserialize_to_instance
class AlreadyRegistered(Conflict):
    code = "evaluation_already_registered"
    default_en = "This subject is already registered for this title and year."
    default_vi = "Đối tượng này đã đăng ký danh hiệu này trong năm."


@deserialize_to_instance
class DeadlinePassed(Conflict):
    code = "deadline_passed"
    default_en = "The campaign's deadline for this step has passed."
    default_vi = "Đã quá hạn của đợt đánh giá cho bước này."


@deserialize_to_instance
class RecognitionRejected(ValidationFailed):
    """The decision breaks a rule of the title (the pass rule, the members' share)."""

    code = "recognition_rejected"
    default_en = "The title cannot be recognised: a rule of the title is not met."
    default_vi = "Không thể công nhận danh hiệu: chưa đạt điều kiện của danh hiệu."


@deserialize_to_instance
class ReviewLevelRequired(PermissionDenied):
    code = "recognising_level_required"
    default_en = "Only officers at the recognising level of this title (or above) may review and decide."
    default_vi = "Chỉ cán bộ ở cấp công nhận danh hiệu này (hoặc cấp trên) mới được thẩm định và quyết định."
