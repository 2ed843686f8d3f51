"""RPC DTOs and errors of the e-government integration: machine clients (OAuth2 client credentials),
their audit log, bulk registration jobs and identity verification. The members service owns all four;
the gateway uses these schemas for HTTP bodies and the OpenAPI document.

A client's secret crosses RPC twice only: once, in the answer that creates or rotates it (shown once,
stored hashed), and in ``authenticate_client`` from the token endpoint. Audit records carry who, when,
what and the result, never a body or personal data.
"""

from marshmallow import ValidationError, fields, validate, validates_schema
from nameko.exceptions import deserialize_to_instance

from contracts.errors import AuthenticationFailed, NotFound, PlatformError, ValidationFailed
from contracts.members import MAX_PAGE_SIZE, Lenient, Strict

# Scopes a provincial system may be granted. members:write lets it register and edit members of its
# province (an OFFICER's rights on member routes); imports:write lets it post bulk registration jobs.
SCOPES = ("members:read", "members:write", "imports:write")
IMPORT_FORMATS = ("CSV", "XLSX", "JSON")
IMPORT_STATES = ("QUEUED", "RUNNING", "COMPLETED", "FAILED")
VERIFICATION_METHODS = ("MANUAL", "CCCD_QR")
VERIFICATION_STATUSES = ("VERIFIED", "UNVERIFIED", "MISMATCH")

# --- errors ------------------------------------------------------------------------------------------


@deserialize_to_instance
class ClientNotFound(NotFound):
    code = "client_not_found"
    default_en = "No such API client in your scope."
    default_vi = "Không tìm thấy ứng dụng kết nối trong phạm vi của bạn."


@deserialize_to_instance
class InvalidClient(AuthenticationFailed):
    """Unknown client, wrong secret, or a disabled client: one answer for all three (RFC 6749 5.2)."""

    code = "invalid_client"
    default_en = "Client authentication failed."
    default_vi = "Xác thực ứng dụng kết nối không thành công."


@deserialize_to_instance
class ImportJobNotFound(NotFound):
    code = "import_job_not_found"
    default_en = "No such import job in your scope."
    default_vi = "Không tìm thấy lượt nhập dữ liệu trong phạm vi của bạn."


@deserialize_to_instance
class ImportRejected(ValidationFailed):
    """The file as a whole cannot be imported (unknown format, outside the spool, empty)."""

    code = "import_rejected"
    default_en = "This file cannot be imported."
    default_vi = "Không thể nhập tệp này."


@deserialize_to_instance
class QrCodeInvalid(ValidationFailed):
    code = "cccd_qr_invalid"
    default_en = "The text is not the QR code of a chip-based CCCD card."
    default_vi = "Nội dung không phải mã QR của thẻ CCCD gắn chip."


# --- clients -----------------------------------------------------------------------------------------


class CreateClientSchema(Strict):
    name = fields.String(required=True, validate=validate.Length(min=3, max=200))
    unit_code = fields.String(
        required=True, metadata={"description": "the province the client serves (its whole subtree)"}
    )
    scopes = fields.List(
        fields.String(validate=validate.OneOf(SCOPES)), required=True, validate=validate.Length(min=1, max=3)
    )


class ClientSchema(Lenient):
    id = fields.UUID(required=True, metadata={"description": "the client_id of the token endpoint"})
    name = fields.String(required=True)
    unit_code = fields.String(required=True)
    scopes = fields.List(fields.String(), required=True)
    active = fields.Boolean(required=True)
    created_by = fields.String(allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    secret_rotated_at = fields.AwareDateTime(allow_none=True)


class ClientWithSecretSchema(ClientSchema):
    client_secret = fields.String(
        required=True, metadata={"description": "shown once: only a hash of it is kept"}
    )


class ClientListSchema(Lenient):
    items = fields.List(fields.Nested(ClientSchema), required=True)


class AuthenticateClientSchema(Strict):
    client_id = fields.UUID(required=True)
    client_secret = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))


class TokenResponseSchema(Lenient):
    """RFC 6749 section 5.1."""

    access_token = fields.String(required=True)
    token_type = fields.String(required=True, validate=validate.Equal("Bearer"))
    expires_in = fields.Integer(required=True)
    scope = fields.String(required=True, metadata={"description": "granted scopes, space-separated"})


class OAuthErrorSchema(Lenient):
    """RFC 6749 section 5.2, with the platform's Vietnamese and English messages beside it."""

    error = fields.String(required=True)
    error_description = fields.String(required=True)
    message = fields.String(required=True)
    message_en = fields.String(required=True)


# --- audit -------------------------------------------------------------------------------------------


class AuditRecordSchema(Lenient):
    """One exchange with a machine client. Never a body, a CCCD or a name."""

    id = fields.UUID(required=True)
    client_id = fields.UUID(required=True)
    at = fields.AwareDateTime(required=True)
    method = fields.String(required=True, validate=validate.Length(max=10))
    route = fields.String(required=True, validate=validate.Length(max=200))
    path = fields.String(required=True, validate=validate.Length(max=300))
    status = fields.Integer(required=True)
    duration_ms = fields.Integer(load_default=None, allow_none=True)
    job_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    member_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    call_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class AuditBatchSchema(Strict):
    records = fields.List(fields.Nested(AuditRecordSchema), required=True, validate=validate.Length(max=5000))


class AuditQuerySchema(Strict):
    client_id = fields.UUID(load_default=None)
    date_from = fields.AwareDateTime(load_default=None, data_key="from")
    date_to = fields.AwareDateTime(load_default=None, data_key="to")
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))

    @validates_schema
    def _period_is_forward(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError("'from' must not be after 'to'.", "to")


class AuditPageSchema(Lenient):
    items = fields.List(fields.Nested(AuditRecordSchema), required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    total = fields.Integer(required=True)


# --- import jobs -------------------------------------------------------------------------------------


class CreateImportJobSchema(Strict):
    """What the gateway tells the members service about a file it spooled (never the file itself)."""

    spool_name = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}\.(csv|xlsx|json)$"))
    content_hash = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    format = fields.String(required=True, validate=validate.OneOf(IMPORT_FORMATS))
    size_bytes = fields.Integer(required=True, validate=validate.Range(min=1))
    filename = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class ImportJobSchema(Lenient):
    id = fields.UUID(required=True)
    state = fields.String(required=True, validate=validate.OneOf(IMPORT_STATES))
    format = fields.String(required=True, validate=validate.OneOf(IMPORT_FORMATS))
    filename = fields.String(allow_none=True)
    size_bytes = fields.Integer(required=True)
    rows_total = fields.Integer(allow_none=True, metadata={"description": "null until the file was counted"})
    rows_done = fields.Integer(required=True, metadata={"description": "rows committed (the checkpoint)"})
    rows_accepted = fields.Integer(required=True)
    rows_rejected = fields.Integer(required=True)
    created_at = fields.AwareDateTime(required=True)
    started_at = fields.AwareDateTime(allow_none=True)
    finished_at = fields.AwareDateTime(allow_none=True)
    failure = fields.String(allow_none=True, metadata={"description": "why a FAILED job stopped"})


class ImportErrorSchema(Lenient):
    row = fields.Integer(required=True, metadata={"description": "data row number, 1 = the first after the header"})
    field = fields.String(required=True)
    code = fields.String(required=True)
    message = fields.String(required=True, metadata={"description": "Vietnamese"})
    message_en = fields.String(required=True)


class ImportErrorPageSchema(Lenient):
    items = fields.List(fields.Nested(ImportErrorSchema), required=True)
    next_after = fields.Integer(allow_none=True, metadata={"description": "pass as after_id for the next page"})


# --- identity verification ---------------------------------------------------------------------------


class VerifyMemberSchema(Strict):
    method = fields.String(load_default="MANUAL", validate=validate.OneOf(VERIFICATION_METHODS))
    qr_text = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=1000),
        metadata={"description": "CCCD_QR: the text of the QR code on the chip-based card, as scanned"},
    )
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))

    @validates_schema
    def _qr_needs_text(self, data, **kwargs):
        if data.get("method") == "CCCD_QR" and not data.get("qr_text"):
            raise ValidationError("Missing data for required field.", "qr_text")


class VerificationSchema(Lenient):
    member_id = fields.UUID(required=True)
    status = fields.String(required=True, validate=validate.OneOf(VERIFICATION_STATUSES))
    method = fields.String(required=True, validate=validate.OneOf(VERIFICATION_METHODS))
    reasons = fields.List(fields.Dict(), required=True, metadata={"description": "{code, message, message_en}"})
    verified_by = fields.String(allow_none=True)
    verified_at = fields.AwareDateTime(allow_none=True)


__all__ = [name for name in dir() if name.endswith("Schema")] + ["PlatformError"]
