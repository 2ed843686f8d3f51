"""The periodic review report ("báo cáo sơ kết / tổng kết") and the activities it counts (issue 11).

The report for a unit subtree and a period is assembled at the gateway from one part per service, each
computed from that service's own data and asked for over RPC with the same arguments:

    members.review_report_part(actor, unit_code, date_from, date_to)      -> MembersReportPartSchema
    funds.review_report_part(actor, unit_code, date_from, date_to)        -> FundsReportPartSchema
    evaluations.review_report_part(actor, unit_code, date_from, date_to)  -> EvaluationsReportPartSchema

Dates are ISO strings on the wire (``date_to`` inclusive). Each part has the totals of the subtree and
``by_unit``: one row per direct child of the unit **as the tree stood in the period** (a child that existed
on any day of it, even one merged away since: its rows still count what happened under its old code), each
with the figures of its own subtree. A unit out of the actor's scope is ``UnitNotFound`` (404), as in
every scoped call. Money is integer đồng.

Activities (study sessions, training classes, campaigns) are recorded by the members service per unit:

    members.record_activity(actor, unit_code, payload: CreateActivitySchema)  -> ActivitySchema
    members.list_activities(actor, unit_code, query: ActivityQuerySchema)      -> ActivityPageSchema
    members.get_activity(actor, activity_id)                                   -> ActivitySchema
    members.delete_activity(actor, activity_id)                                -> None   (a mistake, ADMIN/OFFICER)
"""

from marshmallow import ValidationError, fields, validate, validates_schema
from nameko.exceptions import deserialize_to_instance

from contracts.errors import NotFound
from contracts.members import Lenient, Strict

ACTIVITY_KINDS = ("STUDY_SESSION", "TRAINING_CLASS", "CAMPAIGN", "OTHER")
ACTIVITY_KIND_NAMES_VI = {
    "STUDY_SESSION": "Buổi sinh hoạt học tập",
    "TRAINING_CLASS": "Lớp tập huấn",
    "CAMPAIGN": "Đợt vận động",
    "OTHER": "Hoạt động khác",
}
REPORT_FORMATS = ("json", "xlsx", "pdf")
MAX_PAGE_SIZE = 100


def _forward(data, start, end, field):
    if data.get(start) and data.get(end) and data[start] > data[end]:
        raise ValidationError(f"'{field}' must not be before the start.", field)


# --- activities ------------------------------------------------------------------------------------------


class CreateActivitySchema(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(ACTIVITY_KINDS))
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    started_on = fields.Date(required=True)
    ended_on = fields.Date(load_default=None, allow_none=True, metadata={"description": "defaults to started_on"})
    sessions = fields.Integer(
        load_default=1,
        strict=True,
        validate=validate.Range(min=1, max=100_000),
        metadata={"description": "how many sessions this record counts (a register of several at once)"},
    )
    participants = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=0, max=10_000_000),
        metadata={"description": "participations (lượt người) over all the sessions"},
    )
    notes = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))

    @validates_schema
    def _dates(self, data, **kwargs):
        _forward(data, "started_on", "ended_on", "ended_on")


class ActivitySchema(Lenient):
    id = fields.String(required=True)
    unit_code = fields.String(required=True)
    unit_name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(ACTIVITY_KINDS))
    title = fields.String(required=True)
    started_on = fields.Date(required=True)
    ended_on = fields.Date(required=True)
    sessions = fields.Integer(required=True)
    participants = fields.Integer(required=True)
    notes = fields.String(allow_none=True)
    recorded_by = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)


@deserialize_to_instance
class ActivityNotFound(NotFound):
    """``get_activity`` / ``delete_activity`` of an id that is unknown or outside the actor's subtree (404)."""

    code = "activity_not_found"
    default_en = "No such activity in your scope."
    default_vi = "Không tìm thấy hoạt động trong phạm vi của bạn."


class ActivityQuerySchema(Strict):
    """Activities of the unit's subtree that overlap the period; newest first."""

    date_from = fields.Date(load_default=None, data_key="from")
    date_to = fields.Date(load_default=None, data_key="to")
    kind = fields.String(load_default=None, validate=validate.OneOf(ACTIVITY_KINDS))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))

    @validates_schema
    def _dates(self, data, **kwargs):
        _forward(data, "date_from", "date_to", "to")


class ActivityPageSchema(Lenient):
    items = fields.List(fields.Nested(ActivitySchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)


# --- the report ------------------------------------------------------------------------------------------


class ReportQuerySchema(Strict):
    unit_code = fields.String(required=True, data_key="unit")
    date_from = fields.Date(required=True, data_key="from")
    date_to = fields.Date(required=True, data_key="to")
    format = fields.String(load_default="json", validate=validate.OneOf(REPORT_FORMATS))

    @validates_schema
    def _dates(self, data, **kwargs):
        _forward(data, "date_from", "date_to", "to")


class ReportUnitSchema(Lenient):
    code = fields.String(required=True)
    name = fields.String(required=True)
    level = fields.String(required=True)
    path = fields.String(required=True)
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(allow_none=True)


class MemberFiguresSchema(Lenient):
    at_start = fields.Integer(
        required=True,
        metadata={
            "description": "members when the period opens: at the end of the day before date_from (one who joins "
            "on date_from is new, not here), with a reorganisation effective on date_from already in force"
        },
    )
    at_end = fields.Integer(required=True, metadata={"description": "members on date_to"})
    joined = fields.Integer(required=True, metadata={"description": "new members in the period (joined or rejoined)"})
    left = fields.Integer(required=True)
    growth_percent = fields.Float(allow_none=True, metadata={"description": "(at_end - at_start) / at_start × 100"})
    party_members = fields.Integer(
        required=True, metadata={"description": "members on date_to who are Party members (an aggregate only)"}
    )


class ActivityFiguresSchema(Lenient):
    kind = fields.String(required=True, validate=validate.OneOf(ACTIVITY_KINDS))
    records = fields.Integer(required=True)
    sessions = fields.Integer(required=True)
    participants = fields.Integer(required=True)


class MembersUnitRowSchema(Lenient):
    unit = fields.Nested(ReportUnitSchema, required=True)
    members = fields.Nested(MemberFiguresSchema, required=True)
    activities = fields.List(fields.Nested(ActivityFiguresSchema), required=True)


class MembersReportPartSchema(Lenient):
    unit = fields.Nested(ReportUnitSchema, required=True)
    members = fields.Nested(MemberFiguresSchema, required=True)
    activities = fields.List(
        fields.Nested(ActivityFiguresSchema), required=True, metadata={"description": "one row per kind, all kinds"}
    )
    by_unit = fields.List(fields.Nested(MembersUnitRowSchema), required=True)


class FundFiguresSchema(Lenient):
    raised = fields.Integer(required=True, metadata={"description": "donations received in the period, đồng"})
    raised_by_channel = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    donations = fields.Integer(required=True, metadata={"description": "how many donations"})
    spent = fields.Integer(required=True, metadata={"description": "disbursements paid in the period, đồng"})
    spent_by_kind = fields.Dict(
        keys=fields.String(), values=fields.Integer(), required=True, metadata={"description": "SCHOLARSHIP, REWARD…"}
    )
    disbursements = fields.Integer(required=True, metadata={"description": "how many disbursements paid"})
    beneficiaries = fields.Integer(required=True, metadata={"description": "distinct beneficiaries paid"})
    balance_at_end = fields.Integer(required=True, metadata={"description": "sum of the funds' balances on date_to"})


class FundsUnitRowSchema(Lenient):
    unit_code = fields.String(required=True)
    funds = fields.Nested(FundFiguresSchema, required=True)


class FundsReportPartSchema(Lenient):
    funds = fields.Nested(FundFiguresSchema, required=True)
    by_unit = fields.List(fields.Nested(FundsUnitRowSchema), required=True)


class TitleFiguresSchema(Lenient):
    title_type = fields.String(required=True)
    year = fields.Integer(required=True)
    registered = fields.Integer(required=True)
    recognised = fields.Integer(required=True)
    percent_of_registered = fields.Float(allow_none=True)
    eligible = fields.Integer(
        allow_none=True, metadata={"description": "all possible subjects (e.g. members for Công dân học tập), if known"}
    )
    percent_of_all = fields.Float(allow_none=True)
    target_percent = fields.Float(allow_none=True, metadata={"description": "the plan's target for the year"})


class EvaluationsUnitRowSchema(Lenient):
    unit_code = fields.String(required=True)
    titles = fields.List(fields.Nested(TitleFiguresSchema), required=True)


class EvaluationsReportPartSchema(Lenient):
    """Titles of the campaign years that overlap the period (a title is evaluated per calendar year)."""

    titles = fields.List(fields.Nested(TitleFiguresSchema), required=True)
    by_unit = fields.List(fields.Nested(EvaluationsUnitRowSchema), required=True)


class ReviewReportUnitRowSchema(Lenient):
    unit = fields.Nested(ReportUnitSchema, required=True)
    members = fields.Nested(MemberFiguresSchema, required=True)
    activities = fields.List(fields.Nested(ActivityFiguresSchema), required=True)
    funds = fields.Nested(FundFiguresSchema, allow_none=True)
    titles = fields.List(fields.Nested(TitleFiguresSchema), required=True)


class ReviewReportSchema(Lenient):
    """The whole report as ``GET /api/v1/reports/review?format=json`` returns it."""

    unit = fields.Nested(ReportUnitSchema, required=True)
    date_from = fields.Date(required=True, data_key="from")
    date_to = fields.Date(required=True, data_key="to")
    generated_at = fields.DateTime(required=True)
    members = fields.Nested(MemberFiguresSchema, required=True)
    activities = fields.List(fields.Nested(ActivityFiguresSchema), required=True)
    funds = fields.Nested(FundFiguresSchema, required=True)
    titles = fields.List(fields.Nested(TitleFiguresSchema), required=True)
    by_unit = fields.List(fields.Nested(ReviewReportUnitRowSchema), required=True)
