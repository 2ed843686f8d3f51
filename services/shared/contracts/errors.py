"""Errors that cross RPC.

nameko serialises an exception as its class path and ``args``; every class here is registered with
``deserialize_to_instance`` so that the caller (the gateway) catches it as itself. ``args`` must stay
JSON-serialisable and positional: ``(message_en, details, message_vi)``.

Each error carries a machine-readable ``code`` and messages in Vietnamese and English; the HTTP status
for each lives in one table (``servicekit.http.ERROR_STATUS``), not here.
"""

import re

from nameko.exceptions import deserialize_to_instance


class PlatformError(Exception):
    code = "error"
    default_en = "The request failed."
    default_vi = "Yêu cầu không thực hiện được."

    def __init__(self, message_en=None, details=None, message_vi=None):
        message_en = message_en or self.default_en
        message_vi = message_vi or (self.default_vi if message_en == self.default_en else message_en)
        super().__init__(message_en, details or {}, message_vi)

    @property
    def message_en(self):
        return self.args[0]

    @property
    def details(self):
        return self.args[1]

    @property
    def message_vi(self):
        return self.args[2]

    def to_dict(self):
        body = {"code": self.code, "message": self.message_vi, "message_en": self.message_en}
        body.update(self.details)
        return body

    def __str__(self):
        return f"{self.code}: {self.message_en}"


def field_error(code, message_vi, message_en):
    """One problem with one field, in the shape every 422 body uses."""
    return {"code": code, "message": message_vi, "message_en": message_en}


@deserialize_to_instance
class ValidationFailed(PlatformError):
    """The request is well-formed JSON but breaks a rule. ``details = {"fields": {name: [field_error]}}``."""

    code = "validation_failed"
    default_en = "Some fields are invalid."
    default_vi = "Một số trường không hợp lệ."

    @classmethod
    def from_fields(cls, fields, message_en=None, message_vi=None):
        return cls(message_en, {"fields": fields}, message_vi)

    @classmethod
    def from_marshmallow(cls, error):
        """A marshmallow ``ValidationError`` as per-field lists of coded errors (``field_error_for``)."""
        fields = {}
        for name, messages in _flatten(error.messages):
            fields.setdefault(name, []).extend(field_error_for(m) for m in messages)
        return cls.from_fields(fields)

    @property
    def fields(self):
        return self.details.get("fields", {})


# marshmallow's messages, recognised so that every 422 carries a machine-readable code and Vietnamese text
# wherever the schema was loaded (the gateway or a service).
_FIELD_ERRORS = [
    (r"Missing data for required field\.", "required", "Trường này là bắt buộc."),
    (r"Field may not be null\.", "null", "Trường này không được để trống."),
    (r"Unknown field\.", "unknown_field", "Trường này không được hỗ trợ."),
    (r"Not a valid date\.", "invalid_date", "Ngày không hợp lệ (định dạng YYYY-MM-DD)."),
    (
        r"Not a valid (?:aware |naive )?datetime\.",
        "invalid_datetime",
        "Thời điểm không hợp lệ (định dạng ISO 8601, có múi giờ).",
    ),
    (r"Not a valid email address\.", "invalid_email", "Địa chỉ email không hợp lệ."),
    (r"Not a valid UUID\.", "invalid_uuid", "Mã định danh không hợp lệ."),
    (
        r"Not a valid (?:string|integer|number|boolean|list|tuple|mapping type)\.|Invalid (?:input )?type\.",
        "invalid_type",
        "Sai kiểu dữ liệu.",
    ),
    (r"Number too large\.", "too_large", "Số quá lớn."),
    (r"Must be one of: (.*)\.", "not_allowed_value", "Giá trị phải là một trong: {0}."),
    (r"Length must be between (\d+) and (\d+)\.", "invalid_length", "Độ dài phải từ {0} đến {1} ký tự."),
    (r"Shorter than minimum length (\d+)\.", "too_short", "Độ dài tối thiểu là {0} ký tự."),
    (r"Longer than maximum length (\d+)\.", "too_long", "Độ dài tối đa là {0} ký tự."),
    (
        r"Must be greater than or equal to (\S+) and less than or equal to (\S+)\.",
        "out_of_range",
        "Giá trị phải từ {0} đến {1}.",
    ),
    (r"Must be greater than or equal to (\S+)\.", "too_small", "Giá trị phải lớn hơn hoặc bằng {0}."),
    (r"Must be less than or equal to (\S+)\.", "too_large", "Giá trị phải nhỏ hơn hoặc bằng {0}."),
    (r"String does not match expected pattern\.", "invalid_format", "Sai định dạng."),
    (r"Give birth_date or birth_year\.", "required", "Hãy nhập ngày sinh hoặc năm sinh."),
    (r"'from' must not be after 'to'\.", "period_reversed", "Ngày bắt đầu không được sau ngày kết thúc."),
]
_FIELD_ERRORS = [(re.compile(pattern), code, vi) for pattern, code, vi in _FIELD_ERRORS]


def _is_field_error(value):
    """An error already coded (``field_error``), as opposed to the messages of a nested schema, which may
    well have a field named ``code`` (a split target's)."""
    return isinstance(value, dict) and isinstance(value.get("code"), str) and "message" in value


def field_error_for(message):
    """One marshmallow message as ``{code, message, message_en}``; unknown messages get ``invalid``."""
    if _is_field_error(message):
        return message
    message = str(message)
    for pattern, code, vi in _FIELD_ERRORS:
        match = pattern.fullmatch(message)
        if match:
            return field_error(code, vi.format(*match.groups()), message)
    return field_error("invalid", "Giá trị không hợp lệ.", message)


def _flatten(messages, prefix=""):
    """marshmallow's nested messages as ``(dotted field name, [messages])`` pairs."""
    if isinstance(messages, dict) and not _is_field_error(messages):
        for key, value in messages.items():
            yield from _flatten(value, f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix or "_schema", messages if isinstance(messages, list) else [messages]


@deserialize_to_instance
class NotFound(PlatformError):
    code = "not_found"
    default_en = "Not found."
    default_vi = "Không tìm thấy."


@deserialize_to_instance
class UnitNotFound(NotFound):
    code = "unit_not_found"
    default_en = "No such unit in your scope."
    default_vi = "Không tìm thấy đơn vị trong phạm vi của bạn."


@deserialize_to_instance
class MemberNotFound(NotFound):
    code = "member_not_found"
    default_en = "No such member in your scope."
    default_vi = "Không tìm thấy hội viên trong phạm vi của bạn."


@deserialize_to_instance
class OfficerNotFound(NotFound):
    code = "officer_not_found"
    default_en = "No such officer account in your scope."
    default_vi = "Không tìm thấy tài khoản cán bộ trong phạm vi của bạn."


@deserialize_to_instance
class Conflict(PlatformError):
    code = "conflict"
    default_en = "The request conflicts with the current state."
    default_vi = "Yêu cầu mâu thuẫn với dữ liệu hiện có."


@deserialize_to_instance
class MemberAlreadyRegistered(Conflict):
    code = "member_already_registered"
    default_en = "A member with this CCCD is already registered."
    default_vi = "Số CCCD này đã được đăng ký hội viên."


@deserialize_to_instance
class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    default_en = "This Idempotency-Key was already used for a different request."
    default_vi = "Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác."


@deserialize_to_instance
class UnitAlreadyExists(Conflict):
    code = "unit_already_exists"
    default_en = "A unit with this code already exists."
    default_vi = "Mã đơn vị này đã tồn tại."


@deserialize_to_instance
class OfficerAlreadyExists(Conflict):
    code = "officer_already_exists"
    default_en = "An officer account with this username already exists."
    default_vi = "Tên đăng nhập này đã tồn tại."


@deserialize_to_instance
class TransitionRejected(Conflict):
    """A state change that the record's current state does not allow (leave twice, transfer a leaver)."""

    code = "transition_rejected"
    default_en = "This change is not allowed in the record's current state."
    default_vi = "Không thể thực hiện thay đổi này với trạng thái hiện tại của hồ sơ."


@deserialize_to_instance
class AuthenticationFailed(PlatformError):
    code = "invalid_credentials"
    default_en = "Wrong username or password."
    default_vi = "Sai tên đăng nhập hoặc mật khẩu."


@deserialize_to_instance
class PermissionDenied(PlatformError):
    code = "permission_denied"
    default_en = "Your role does not allow this action."
    default_vi = "Vai trò của bạn không được phép thực hiện thao tác này."


@deserialize_to_instance
class ServiceUnavailable(PlatformError):
    """Raised on the caller's side when an RPC times out or its target cannot be reached."""

    code = "service_unavailable"
    default_en = "A service did not answer in time. Retry with the same Idempotency-Key: it is never applied twice."
    default_vi = (
        "Dịch vụ không phản hồi kịp. Hãy gửi lại với cùng Idempotency-Key: yêu cầu không bao giờ bị thực hiện hai lần."
    )
