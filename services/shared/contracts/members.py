"""RPC DTOs of the members service. The gateway also uses them for HTTP bodies and the OpenAPI document.

Commands are loaded with these schemas at both edges (gateway and service); results are dumped with
them. Full CCCD and phone numbers never leave the service: results carry masked values.
"""

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate, validates_schema

from contracts.errors import field_error

LEVELS = ("CENTRAL", "PROVINCE", "DISTRICT", "COMMUNE", "GRASSROOTS")
GRASSROOTS_KINDS = ("VILLAGE", "SCHOOL", "CLAN", "AGENCY", "ENTERPRISE", "RELIGIOUS", "HOMETOWN")
GENDERS = ("MALE", "FEMALE")
STATUSES = ("ACTIVE", "TRANSFERRED", "LEFT")
ROLES = ("ADMIN", "OFFICER", "VIEWER")
CONSENT_CHANNELS = ("PAPER_FORM", "ONLINE_FORM", "RECORDED_VERBAL")
MAX_PAGE_SIZE = 100

PARTY_MEMBER_RULE = (
    "Party membership (Đảng viên): true, false, or null when not recorded. Access-restricted: only an ADMIN may "
    "set it (an OFFICER or VIEWER who sends it gets permission_denied, 403) and only an ADMIN sees it (it is "
    "absent from the member for every other role). Never in events or logs; reports count it only as a total."
)


class Strict(Schema):
    class Meta:
        unknown = RAISE


class Lenient(Schema):
    class Meta:
        unknown = EXCLUDE


class ActorSchema(Lenient):
    """Who is asking: the gateway passes it, taken from a verified token, with every scoped call."""

    officer_id = fields.String(required=True)
    username = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    unit_code = fields.String(required=True)


# --- units -----------------------------------------------------------------------------------------


class UnitSchema(Lenient):
    code = fields.String(required=True)
    name = fields.String(required=True)
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    kind = fields.String(allow_none=True)
    parent_code = fields.String(allow_none=True)
    path = fields.String(required=True)
    valid_from = fields.Date(required=True)
    valid_to = fields.Date(allow_none=True)
    term = fields.String(allow_none=True, metadata={"description": "nhiệm kỳ, e.g. 2020-2025"})
    committees = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "executive and standing committees and boards, as configurable lists"},
    )


class CreateUnitSchema(Strict):
    """A grassroots unit under a commune; its code is issued by the platform."""

    parent_code = fields.String(required=True, validate=validate.Length(min=1, max=20))
    name = fields.String(required=True, validate=validate.Length(min=2, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(GRASSROOTS_KINDS))
    term = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20))
    committees = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), load_default=dict)


class UnitListQuerySchema(Strict):
    parent_code = fields.String(load_default=None)
    level = fields.String(load_default=None, validate=validate.OneOf(LEVELS))
    q = fields.String(load_default=None, validate=validate.Length(max=100))
    include_closed = fields.Boolean(load_default=False)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))


class UnitPageSchema(Lenient):
    items = fields.List(fields.Nested(UnitSchema), required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    total = fields.Integer(required=True)


class StatisticsQuerySchema(Strict):
    date_from = fields.Date(required=True, data_key="from")
    date_to = fields.Date(required=True, data_key="to")

    @validates_schema
    def _period_is_forward(self, data, **kwargs):
        if data["date_from"] > data["date_to"]:
            from marshmallow import ValidationError

            raise ValidationError("'from' must not be after 'to'.", "to")


class StatisticsSchema(Lenient):
    unit_code = fields.String(required=True)
    date_from = fields.Date(required=True, data_key="from")
    date_to = fields.Date(required=True, data_key="to")
    members_total = fields.Integer(
        required=True, metadata={"description": "members on 'to' (any status ever joined, not left)"}
    )
    members_active = fields.Integer(required=True, metadata={"description": "members ACTIVE now"})
    members_at_start = fields.Integer(required=True)
    members_at_end = fields.Integer(required=True)
    joined_in_period = fields.Integer(required=True)
    left_in_period = fields.Integer(required=True)
    growth_percent = fields.Float(allow_none=True, metadata={"description": "(end - start) / start × 100"})


# --- members -------------------------------------------------------------------------------------


class ConsentSchema(Strict):
    given = fields.Boolean(required=True, metadata={"description": "must be true: silence is not consent"})
    channel = fields.String(required=True, validate=validate.OneOf(CONSENT_CHANNELS))
    given_at = fields.AwareDateTime(load_default=None, allow_none=True)
    guardian_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    guardian_relation = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=50))
    contact = fields.Boolean(
        load_default=False,
        metadata={"description": "also agrees to receive messages (welcome, reminders) by e-mail or SMS"},
    )


class RegisterMemberSchema(Strict):
    cccd = fields.String(required=True, metadata={"description": "12-digit CCCD or legacy 9-digit CMND"})
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    gender = fields.String(required=True, validate=validate.OneOf(GENDERS))
    birth_date = fields.Date(load_default=None, allow_none=True)
    birth_year = fields.Integer(load_default=None, allow_none=True)
    phone = fields.String(load_default=None, allow_none=True)
    email = fields.Email(load_default=None, allow_none=True)
    unit_code = fields.String(required=True)
    join_date = fields.Date(load_default=None, allow_none=True)
    ethnicity = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=50))
    religion = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=50))
    party_member = fields.Boolean(allow_none=True, metadata={"description": PARTY_MEMBER_RULE})
    consent = fields.Nested(ConsentSchema, required=True)

    @validates_schema
    def _birth_is_given(self, data, **kwargs):
        if data.get("birth_date") is None and data.get("birth_year") is None:
            from marshmallow import ValidationError

            raise ValidationError("Give birth_date or birth_year.", "birth_year")


class UpdateMemberSchema(Strict):
    full_name = fields.String(validate=validate.Length(min=1, max=200))
    gender = fields.String(validate=validate.OneOf(GENDERS))
    birth_date = fields.Date(allow_none=True)
    birth_year = fields.Integer(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.Email(allow_none=True)
    ethnicity = fields.String(allow_none=True, validate=validate.Length(max=50))
    religion = fields.String(allow_none=True, validate=validate.Length(max=50))
    party_member = fields.Boolean(allow_none=True, metadata={"description": PARTY_MEMBER_RULE})


class TransferMemberSchema(Strict):
    to_unit_code = fields.String(required=True)
    transferred_on = fields.Date(load_default=None, allow_none=True)
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class LeaveMemberSchema(Strict):
    left_on = fields.Date(load_default=None, allow_none=True)
    reason_code = fields.String(
        load_default="VOLUNTARY", validate=validate.OneOf(("VOLUNTARY", "DECEASED", "EXCLUDED", "OTHER"))
    )
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class RejoinMemberSchema(Strict):
    """A member who left joins again: a new membership in a unit, with a new consent."""

    unit_code = fields.String(required=True)
    join_date = fields.Date(load_default=None, allow_none=True)
    consent = fields.Nested(ConsentSchema, required=True)


class MembershipSchema(Lenient):
    unit_code = fields.String(required=True)
    unit_name = fields.String(allow_none=True)
    started_on = fields.Date(required=True)
    ended_on = fields.Date(allow_none=True)
    end_reason = fields.String(allow_none=True)


class MemberSchema(Lenient):
    id = fields.UUID(required=True)
    card_number = fields.String(required=True)
    full_name = fields.String(required=True)
    gender = fields.String(required=True)
    birth_year = fields.Integer(required=True)
    birth_date = fields.Date(allow_none=True)
    cccd_masked = fields.String(required=True, metadata={"description": "e.g. 001******123; never the full number"})
    phone_masked = fields.String(allow_none=True)
    has_email = fields.Boolean(required=True)
    unit_code = fields.String(required=True)
    unit_name = fields.String(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    join_date = fields.Date(required=True)
    left_on = fields.Date(allow_none=True)
    left_reason = fields.String(allow_none=True)
    consent_given_at = fields.AwareDateTime(allow_none=True)
    party_member = fields.Boolean(allow_none=True, metadata={"description": PARTY_MEMBER_RULE})
    version = fields.Integer(required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)
    history = fields.List(fields.Nested(MembershipSchema))
    titles = fields.List(
        fields.Nested(lambda: MemberTitleSchema()),
        metadata={"description": "learning titles recognised (from the evaluations service), on a member's record"},
    )


class MemberTitleSchema(Lenient):
    title_type = fields.String(required=True, metadata={"description": "e.g. CONG_DAN_HOC_TAP"})
    year = fields.Integer(required=True)
    decision_reference = fields.String(required=True)
    decided_on = fields.Date(required=True)


class MemberSearchSchema(Strict):
    q = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "part of the name; diacritics and case are ignored"},
    )
    cccd = fields.String(load_default=None, validate=validate.Regexp(r"^\d{9}(\d{3})?$"))
    unit_code = fields.String(load_default=None, metadata={"description": "the subtree to search; default: yours"})
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))


class MemberPageSchema(Lenient):
    items = fields.List(fields.Nested(MemberSchema), required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    total = fields.Integer(required=True, metadata={"description": "matches; at least this many when capped"})
    total_is_capped = fields.Boolean(
        load_default=False,
        metadata={"description": "true when there are more than 10,000 matches: total is then 10,000"},
    )


# --- officers and login --------------------------------------------------------------------------


class LoginSchema(Strict):
    username = fields.String(required=True, validate=validate.Length(min=1, max=100))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))


class OfficerSchema(Lenient):
    id = fields.String(required=True)
    username = fields.String(required=True)
    full_name = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    unit_code = fields.String(required=True)
    active = fields.Boolean(required=True)


class CreateOfficerSchema(Strict):
    username = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9._-]{2,63}$"))
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=10, max=200))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    unit_code = fields.String(required=True)


__all__ = [name for name in dir() if name.endswith("Schema")] + ["field_error"]
