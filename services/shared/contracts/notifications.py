"""RPC DTOs and errors of the notifications service, and the Standard Webhooks signature.

The gateway uses the schemas for HTTP bodies and the OpenAPI document; the service loads RPC arguments
and dumps results through them. Errors are registered with nameko's ``deserialize_to_instance`` so that
the gateway catches them as themselves (``contracts.errors`` explains the shape).

``sign_webhook`` and ``verify_webhook`` implement https://www.standardwebhooks.com: the service signs
every webhook with them, and a receiving system can copy ``verify_webhook`` (standard library only).
"""

import base64
import hashlib
import hmac
import secrets as _secrets
import time

from marshmallow import fields, validate
from nameko.exceptions import deserialize_to_instance

from contracts.errors import Conflict, NotFound
from contracts.members import Lenient, Strict  # one definition of the two kinds of schema

CHANNELS = ("EMAIL", "SMS", "IN_APP", "WEBHOOK")
OFFICER_CHANNELS = ("EMAIL", "SMS", "IN_APP")
DELIVERY_STATES = ("PENDING", "SENDING", "FAILED", "SENT", "DEAD", "SKIPPED", "HELD", "DIGESTED", "EXPANDED")
# Events a webhook subscription may name: every event the notifications service consumes.
WEBHOOK_EVENT_TYPES = (
    "member_registered",
    "member_updated",
    "member_transferred",
    "member_left",
    "member_rejoined",
    "unit_created",
    "units_merged",
    "unit_split",
    "evaluation_registered",
    "self_assessment_submitted",
    "evaluation_completed",
    "donation_received",
    "disbursement_requested",
    "disbursement_approved",
    "disbursement_paid",
    "fund_transfer_completed",
)
MAX_PAGE_SIZE = 100


class NotificationsPageQuerySchema(Strict):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))


# --- in-app inbox ----------------------------------------------------------------------------------------


class InboxQuerySchema(NotificationsPageQuerySchema):
    unread_only = fields.Boolean(load_default=False)


class InboxMessageSchema(Lenient):
    id = fields.UUID(required=True)
    rule = fields.String(required=True)
    subject = fields.String(required=True)
    body = fields.String(required=True)
    event_type = fields.String(allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    read_at = fields.AwareDateTime(allow_none=True)


class InboxPageSchema(Lenient):
    items = fields.List(fields.Nested(InboxMessageSchema), required=True)
    total = fields.Integer(required=True)
    unread = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)


# --- preferences -----------------------------------------------------------------------------------------


class PreferencesSchema(Strict):
    """An officer's choices: a channel set to false receives nothing; a muted rule sends nothing."""

    channels = fields.Dict(
        keys=fields.String(validate=validate.OneOf(OFFICER_CHANNELS)),
        values=fields.Boolean(),
        load_default=dict,
        metadata={"description": "channel -> enabled (absent: enabled)"},
    )
    muted_rules = fields.List(fields.String(validate=validate.Length(min=1, max=100)), load_default=list)


class PreferencesViewSchema(Lenient):
    channels = fields.Dict(keys=fields.String(), values=fields.Boolean(), required=True)
    muted_rules = fields.List(fields.String(), required=True)
    rules = fields.List(fields.String(), required=True, metadata={"description": "rules an officer may mute"})


# --- webhooks --------------------------------------------------------------------------------------------


class CreateWebhookSchema(Strict):
    client_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    unit_code = fields.String(
        required=True, metadata={"description": "events of this unit's subtree only (a province: '01')"}
    )
    event_types = fields.List(
        fields.String(validate=validate.OneOf(WEBHOOK_EVENT_TYPES)), required=True, validate=validate.Length(min=1)
    )
    url = fields.Url(required=True, schemes={"http", "https"}, require_tld=False, validate=validate.Length(max=500))


class WebhookSchema(Lenient):
    id = fields.UUID(required=True)
    client_name = fields.String(required=True)
    unit_code = fields.String(required=True)
    event_types = fields.List(fields.String(), required=True)
    url = fields.String(required=True)
    active = fields.Boolean(required=True)
    created_at = fields.AwareDateTime(required=True)
    rotated_at = fields.AwareDateTime(allow_none=True)
    previous_secret_expires_at = fields.AwareDateTime(
        allow_none=True, metadata={"description": "until then the old secret also signs (rotation)"}
    )


class WebhookWithSecretSchema(WebhookSchema):
    secret = fields.String(required=True, metadata={"description": "whsec_<base64>: shown once, keep it"})


class WebhookListSchema(Lenient):
    items = fields.List(fields.Nested(WebhookSchema), required=True)


class DeliveryQuerySchema(NotificationsPageQuerySchema):
    state = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(DELIVERY_STATES))


class DeliverySchema(Lenient):
    id = fields.UUID(required=True)
    rule = fields.String(required=True)
    channel = fields.String(required=True)
    event_id = fields.UUID(allow_none=True)
    event_type = fields.String(allow_none=True)
    state = fields.String(required=True)
    attempts = fields.Integer(required=True)
    max_attempts = fields.Integer(required=True)
    address = fields.String(allow_none=True, metadata={"description": "masked (e-mail, phone) or the URL"})
    next_attempt_at = fields.AwareDateTime(allow_none=True)
    last_error = fields.String(allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    sent_at = fields.AwareDateTime(allow_none=True)


class DeliveryPageSchema(Lenient):
    items = fields.List(fields.Nested(DeliverySchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)


# --- errors ----------------------------------------------------------------------------------------------


@deserialize_to_instance
class InboxMessageNotFound(NotFound):
    code = "inbox_message_not_found"
    default_en = "No such message in your inbox."
    default_vi = "Không có thông báo này trong hộp thư của bạn."


@deserialize_to_instance
class WebhookNotFound(NotFound):
    code = "webhook_not_found"
    default_en = "No such webhook subscription in your scope."
    default_vi = "Không tìm thấy đăng ký webhook trong phạm vi của bạn."


@deserialize_to_instance
class DeliveryNotFound(NotFound):
    code = "delivery_not_found"
    default_en = "No such delivery in your scope."
    default_vi = "Không tìm thấy lượt gửi trong phạm vi của bạn."


@deserialize_to_instance
class ReplayRejected(Conflict):
    code = "replay_rejected"
    default_en = "Only a dead delivery can be replayed."
    default_vi = "Chỉ gửi lại được lượt gửi đã thất bại hẳn (DEAD)."


# --- Standard Webhooks signatures ---------------------------------------------------------------------


class WebhookVerificationError(Exception):
    pass


SECRET_PREFIX = "whsec_"  # noqa: S105 (the prefix Standard Webhooks gives secrets, not a secret)
DEFAULT_TOLERANCE_SECONDS = 300


def new_webhook_secret():
    """``whsec_`` and 32 random bytes in base64, as Standard Webhooks writes secrets."""
    return SECRET_PREFIX + base64.b64encode(_secrets.token_bytes(32)).decode()


def _key(secret):
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(secret, msg_id, timestamp, body):
    """``v1,<base64 HMAC-SHA256 of '{msg_id}.{timestamp}.{body}'>``; ``body`` is the exact bytes sent."""
    body = body.decode() if isinstance(body, bytes) else body
    digest = hmac.new(_key(secret), f"{msg_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def sign_webhook(secrets, msg_id, body, timestamp=None):
    """The three headers of one webhook, signed with every secret in ``secrets`` (several during a
    rotation: the receiver accepts the message if any signature matches a secret it knows)."""
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(s, msg_id, timestamp, body) for s in secrets),
    }


def verify_webhook(secret, headers, body, tolerance=DEFAULT_TOLERANCE_SECONDS, now=None):
    """Check a received webhook; raises ``WebhookVerificationError``, returns the webhook id when valid.

    ``headers`` is any mapping (case-insensitive names are tried in lower case); ``body`` the raw body.
    A timestamp further than ``tolerance`` seconds from now is refused (replayed or stale messages).
    """
    lowered = {k.lower(): v for k, v in dict(headers).items()}
    try:
        msg_id, timestamp = lowered["webhook-id"], int(lowered["webhook-timestamp"])
        signatures = lowered["webhook-signature"].split()
    except (KeyError, ValueError):
        raise WebhookVerificationError("missing or malformed webhook headers") from None
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise WebhookVerificationError("timestamp outside the tolerance")
    expected = signature(secret, msg_id, timestamp, body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise WebhookVerificationError("no matching signature")
    return msg_id
