"""RPC DTOs of data-subject requests (Law 91/2025/QH15 on personal data, Decree 356/2025): a member may
see everything the association holds about them, have it corrected, have it erased, and withdraw a consent.

The members service owns the data and the audit trail of these requests (``privacy_requests``); the gateway
uses these schemas for HTTP bodies and the OpenAPI document. Each request is made by an officer in the
member's subtree on the member's behalf, and names why (``reason``: the member's written request, say) and
optionally the reference of the member's letter. The trail keeps who, when, what and why, never a value.

The export is the only answer of the platform that carries the full CCCD and phone number: it is the
member's own data, handed to them. It goes to officers only (never to a machine client) and is marked
``Cache-Control: no-store``.
"""

from marshmallow import fields, validate

from contracts.members import (
    MAX_PAGE_SIZE,
    Lenient,
    MemberSchema,
    MembershipSchema,
    MemberTitleSchema,
    Strict,
    UpdateMemberSchema,
)

REQUEST_KINDS = ("EXPORT", "CORRECT", "ANONYMISE", "WITHDRAW_CONSENT")
CONSENT_PURPOSES = ("MEMBERSHIP", "CONTACT")


class _Request(Strict):
    reason = fields.String(
        required=True, validate=validate.Length(min=3, max=500),
        metadata={"description": "why: e.g. the member's written request of 05/01/2026"},
    )  # fmt: skip
    reference = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=100),
        metadata={"description": "the reference of the member's letter or form, if any"},
    )  # fmt: skip


class ExportRequestSchema(_Request):
    pass


class AnonymiseRequestSchema(_Request):
    pass


class CorrectionRequestSchema(_Request):
    changes = fields.Nested(UpdateMemberSchema, required=True)


class WithdrawConsentSchema(_Request):
    purpose = fields.String(
        required=True, validate=validate.OneOf(CONSENT_PURPOSES),
        metadata={"description": "CONTACT: no more e-mails or SMS; MEMBERSHIP: the member leaves (and CONTACT "
                                 "goes with it)"},
    )  # fmt: skip


# --- the export ----------------------------------------------------------------------------------------


class PersonalRecordSchema(Lenient):
    """Every field of the member's record, unmasked."""

    id = fields.UUID(required=True)
    card_number = fields.String(required=True)
    cccd = fields.String(required=True)
    full_name = fields.String(required=True)
    gender = fields.String(required=True)
    birth_year = fields.Integer(required=True)
    birth_date = fields.Date(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    ethnicity = fields.String(allow_none=True)
    religion = fields.String(allow_none=True)
    party_member = fields.Boolean(allow_none=True, metadata={"description": "null when not recorded"})
    unit_code = fields.String(required=True)
    status = fields.String(required=True)
    join_date = fields.Date(required=True)
    left_on = fields.Date(allow_none=True)
    left_reason = fields.String(allow_none=True)
    anonymised_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


class ConsentRecordSchema(Lenient):
    purpose = fields.String(required=True)
    channel = fields.String(required=True)
    given_at = fields.AwareDateTime(required=True)
    recorded_by = fields.String(allow_none=True)
    guardian_name = fields.String(allow_none=True)
    guardian_relation = fields.String(allow_none=True)
    withdrawn_at = fields.AwareDateTime(allow_none=True)


class VerificationRecordSchema(Lenient):
    status = fields.String(required=True)
    method = fields.String(required=True)
    reasons = fields.List(fields.String(), required=True)
    verified_by = fields.String(required=True)
    verified_at = fields.AwareDateTime(required=True)
    note = fields.String(allow_none=True)


class PrivacyRequestSchema(Lenient):
    """One data-subject request as the audit trail keeps it: who, when, what, why; never a value."""

    id = fields.UUID(required=True)
    member_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(REQUEST_KINDS))
    detail = fields.Dict(
        required=True, metadata={"description": "the fields corrected or erased, the consent withdrawn"}
    )
    reason = fields.String(required=True)
    reference = fields.String(allow_none=True)
    officer_id = fields.String(required=True)
    username = fields.String(required=True)
    role = fields.String(required=True)
    unit_code = fields.String(required=True, metadata={"description": "the officer's unit"})
    at = fields.AwareDateTime(required=True)


class PersonalDataExportSchema(Lenient):
    member = fields.Nested(PersonalRecordSchema, required=True)
    memberships = fields.List(fields.Nested(MembershipSchema), required=True)
    consents = fields.List(fields.Nested(ConsentRecordSchema), required=True)
    titles = fields.List(fields.Nested(MemberTitleSchema), required=True)
    verifications = fields.List(fields.Nested(VerificationRecordSchema), required=True)
    privacy_requests = fields.List(fields.Nested(PrivacyRequestSchema), required=True)
    exported_at = fields.AwareDateTime(required=True)


class PrivacyRequestQuerySchema(Strict):
    member_id = fields.UUID(load_default=None)
    kind = fields.String(load_default=None, validate=validate.OneOf(REQUEST_KINDS))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))


class PrivacyRequestPageSchema(Lenient):
    items = fields.List(fields.Nested(PrivacyRequestSchema), required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    total = fields.Integer(required=True)


__all__ = [
    "AnonymiseRequestSchema",
    "CorrectionRequestSchema",
    "ExportRequestSchema",
    "MemberSchema",
    "PersonalDataExportSchema",
    "PrivacyRequestPageSchema",
    "PrivacyRequestQuerySchema",
    "WithdrawConsentSchema",
]
