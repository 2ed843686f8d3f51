"""Errors that cross RPC.

nameko serialises an exception as its class path and ``args``; every class here is registered with
``deserialize_to_instance`` so that the caller (the gateway) catches it as itself. ``args`` must stay
JSON-serialisable and positional: ``(message_en, details, message_vi)``.

Each error carries a machine-readable ``code`` and messages in Vietnamese and English; the HTTP status
for each lives in one table (``servicekit.http.ERROR_STATUS``), not here.
"""

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
        """Turn a marshmallow ``ValidationError`` into per-field errors with codes."""
        fields = {}
        for name, messages in _flatten(error.messages).items():
            fields[name] = [field_error("invalid", message, message) for message in messages]
        return cls.from_fields(fields)

    @property
    def fields(self):
        return self.details.get("fields", {})


def _flatten(messages, prefix=""):
    flat = {}
    if isinstance(messages, list):
        flat[prefix or "_schema"] = [str(m) for m in messages]
        return flat
    for key, value in messages.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(_flatten(value, name))
        else:
            flat[name] = [str(m) for m in (value if isinstance(value, list) else [value])]
    return flat


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
