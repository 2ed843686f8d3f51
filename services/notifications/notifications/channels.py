"""Channels behind one interface: ``send(message) -> provider message id``, or ``Transient`` (try again
later) / ``Permanent`` (trying again cannot help: the delivery is dead at once).

- ``EmailChannel``: SMTP with smtplib (plain, STARTTLS or implicit TLS; optional login).
- ``SmsChannel``: an HTTP SMS provider: POST JSON ``{"to", "text", "sender", "reference"}`` to a URL
  with an API key header; answers ``{"id": ...}`` (or ``message_id``).
- ``WebhookChannel``: POST the signed event envelope to a subscriber's URL.
- IN_APP is a row in the officers' inbox table, written by the dispatcher in the transaction that marks
  the delivery sent (``usecases.dispatch``), so it has no channel object.

Configuration (``Channels`` provider, from the service config): ``SMTP_HOST`` (localhost), ``SMTP_PORT``
(25), ``SMTP_USER``/``SMTP_PASSWORD`` (empty: no login), ``SMTP_TLS`` (none | starttls | ssl),
``SMTP_FROM``, ``SMS_URL`` (empty: SMS is not configured and SMS deliveries fail transiently until it is),
``SMS_API_KEY``, ``SMS_API_KEY_HEADER`` (X-Api-Key), ``SMS_SENDER``, ``CHANNEL_TIMEOUT_SECONDS`` (10).
"""

import json
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid

from nameko.extensions import DependencyProvider

from servicekit.config import setting


class Transient(Exception):
    """The provider may accept the message later (network, timeout, 4xx of SMTP, 5xx of HTTP)."""


class Permanent(Exception):
    """The provider will never accept this message (a refused address, a 4xx of an SMS API)."""


@dataclass
class Message:
    reference: str  # the delivery's public id: the provider's idempotency key where it has one
    address: str
    subject: str | None
    body: str
    headers: dict = field(default_factory=dict)


def mask_email(address):
    """``giang.le@example.com`` -> ``gi***@example.com``: what the delivery log and logs may show."""
    local, _, domain = (address or "").partition("@")
    return f"{local[:2]}***@{domain}" if domain else "***"


def mask_phone(phone):
    """``0912 345 678`` -> ``091****678``."""
    digits = "".join(c for c in phone or "" if c.isdigit() or c == "+")
    return f"{digits[:3]}{'*' * max(len(digits) - 6, 0)}{digits[-3:]}" if len(digits) > 6 else "***"


class EmailChannel:
    def __init__(self, host, port, sender, user=None, password=None, tls="none", timeout=10.0):
        if tls not in ("none", "starttls", "ssl"):
            raise ValueError(f"SMTP_TLS must be none, starttls or ssl, not {tls!r}")
        self.host, self.port, self.sender = host, int(port), sender
        self.user, self.password, self.tls, self.timeout = user, password, tls, float(timeout)

    def send(self, message):
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.address
        email["Subject"] = message.subject or ""
        # One Message-ID per delivery: a mail resent after a crash can be recognised as the same mail.
        email["Message-ID"] = make_msgid(idstring=message.reference, domain="khuyenhoc.notifications")
        email.set_content(message.body)
        try:
            with self._connect() as smtp:
                if self.user:
                    smtp.login(self.user, self.password or "")
                refused = smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            raise Permanent(f"recipient refused: {_smtp_codes(error.recipients)}") from None
        except smtplib.SMTPResponseException as error:
            kind = Permanent if 500 <= error.smtp_code < 600 else Transient
            raise kind(f"SMTP {error.smtp_code}") from None
        except (OSError, smtplib.SMTPException) as error:
            raise Transient(f"SMTP unreachable: {type(error).__name__}") from None
        if refused:
            raise Permanent(f"recipient refused: {_smtp_codes(refused)}")
        return email["Message-ID"]

    def _connect(self):
        if self.tls == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=ssl.create_default_context())
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.tls == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        return smtp


def _smtp_codes(recipients):
    return ", ".join(str(code) for code, _ in recipients.values())


def post_json(url, body, headers, timeout):
    """POST ``body`` (bytes); returns ``(status, response bytes)``. Network errors are ``Transient``."""
    if not url.startswith(("http://", "https://")):
        raise Permanent(f"not an http(s) URL: {url[:40]}")
    headers = {"Content-Type": "application/json", **headers}
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310 (checked above)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (OSError, urllib.error.URLError) as error:
        raise Transient(f"unreachable: {type(error).__name__}") from None


class SmsChannel:
    def __init__(self, url, api_key="", api_key_header="X-Api-Key", sender="KHUYENHOC", timeout=10.0):
        self.url, self.api_key, self.api_key_header = url, api_key, api_key_header
        self.sender, self.timeout = sender, float(timeout)

    def send(self, message):
        if not self.url:
            raise Transient("SMS_URL is not configured")
        body = json.dumps(
            {"to": message.address, "text": message.body, "sender": self.sender, "reference": message.reference},
            ensure_ascii=False,
        ).encode()
        status, answer = post_json(self.url, body, {self.api_key_header: self.api_key}, self.timeout)
        if status in (408, 429) or status >= 500:
            raise Transient(f"SMS provider answered {status}")
        if not 200 <= status < 300:
            raise Permanent(f"SMS provider refused the message: {status}")
        try:
            reply = json.loads(answer or b"{}")
        except ValueError:
            reply = {}
        return str(reply.get("id") or reply.get("message_id") or message.reference)


class WebhookChannel:
    """Any answer other than 2xx is retried (Standard Webhooks' advice), until the last attempt."""

    def __init__(self, timeout=10.0):
        self.timeout = float(timeout)

    def send(self, message):
        status, _ = post_json(message.address, message.body.encode(), message.headers, self.timeout)
        if not 200 <= status < 300:
            raise Transient(f"receiver answered {status}")
        return f"HTTP {status}"


class Channels(DependencyProvider):
    """``channels = Channels()``: the configured EMAIL, SMS and WEBHOOK channels, built at start-up."""

    def setup(self):
        config = self.container.config
        timeout = setting(config, "CHANNEL_TIMEOUT_SECONDS", 10.0, float)
        self.channels = {
            "EMAIL": EmailChannel(
                host=setting(config, "SMTP_HOST", "localhost"),
                port=setting(config, "SMTP_PORT", 25, int),
                sender=setting(config, "SMTP_FROM", "Hội Khuyến học <no-reply@khuyenhoc.vn>"),
                user=setting(config, "SMTP_USER", None),
                password=setting(config, "SMTP_PASSWORD", None),
                tls=setting(config, "SMTP_TLS", "none"),
                timeout=timeout,
            ),
            "SMS": SmsChannel(
                url=setting(config, "SMS_URL", ""),
                api_key=setting(config, "SMS_API_KEY", ""),
                api_key_header=setting(config, "SMS_API_KEY_HEADER", "X-Api-Key"),
                sender=setting(config, "SMS_SENDER", "KHUYENHOC"),
                timeout=timeout,
            ),
            "WEBHOOK": WebhookChannel(timeout),
        }

    def get_dependency(self, worker_ctx):
        return self.channels
