"""JSON logs that carry the call id and never a full CCCD or phone number.

One JSON object per line: ``ts`` (UTC ISO 8601), ``level``, ``logger``, ``message``, ``service``,
``call_id`` (nameko's ``<service>.<method>.<uuid>`` of the worker that logged it), ``call_id_stack``
when the call came from another service, ``exc`` (the traceback) when there is one, and the caller's
``extra={...}`` fields.

Masking (``mask``) runs on the final text: the message after ``%`` formatting with its args, the
exception text and every string extra. It replaces

- a standalone run of exactly 12 or 9 digits (CCCD, CMND) by its first 3 digits, asterisks and its
  last 3 digits: ``001234567890`` -> ``001******890``;
- a Vietnamese mobile number (``0912345678``, ``0912.345.678``, ``0912 345 678``, ``+84912345678``,
  ``84 912 345 678``) the same way, separators dropped: ``091****678``, ``+849*****678``.

UUIDs and ISO timestamps are left alone. The trade-off: any other standalone 9- or 12-digit number (an
amount of 123456789 đồng written without separators, a large numeric id) is masked too. That is
accepted: a log line that loses an amount is better than one that leaks a CCCD. Amounts written with
dots (``1.500.000.000``) and runs of other lengths are untouched.

Programmatic set-up: ``configure_logging("members", "INFO")``. With ``nameko run --config config.yml``
the same set-up is the ``LOGGING`` key (nameko applies it with ``logging.config.dictConfig``); this
exact snippet, with the service's own name (``logging_config(name, level)`` returns it as a dict):

    LOGGING:
      version: 1
      disable_existing_loggers: false
      formatters:
        json:
          (): servicekit.logs.JsonFormatter
          service: members
      filters:
        call_id:
          (): servicekit.logs.AddCallId
        mask:
          (): servicekit.logs.MaskPersonalData
      handlers:
        stdout:
          class: logging.StreamHandler
          stream: ext://sys.stdout
          formatter: json
          filters: [call_id, mask]
      root:
        level: ${LOG_LEVEL:INFO}
        handlers: [stdout]

Filters go on the handler, not on a logger: a logger's filters never see records propagated from child
loggers. The service adds ``call_context = CallContext()`` so that its workers' records carry their
call id.
"""

import json
import logging
import re
import sys
from datetime import UTC, datetime

from eventlet.corolocal import local
from nameko.extensions import DependencyProvider

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_TIMESTAMP = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
_PHONE = r"(?<![0-9A-Za-z+])(?:\+84|84|0)[ .-]?[35789](?:[ .-]?\d){8}(?![0-9A-Za-z]|[.-]\d)"
_ID_NUMBER = r"(?<![0-9A-Za-z])(?:\d{12}|\d{9})(?![0-9A-Za-z])"
_PERSONAL = re.compile(f"(?P<keep>{_UUID}|{_TIMESTAMP})|(?P<phone>{_PHONE})|(?P<id>{_ID_NUMBER})")

_current = local()  # one per greenthread: each nameko worker runs in its own
_RECORD_FIELDS = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "call_id",
    "call_id_stack",
    "taskName",
}


def _masked(match):
    if match.group("keep"):
        return match.group(0)
    text = match.group(0)
    digits = re.sub(r"\D", "", text)
    plus = "+" if text.startswith("+") else ""
    return plus + digits[:3] + "*" * (len(digits) - 6) + digits[-3:]


def mask(text):
    """``text`` with CCCD/CMND and phone numbers masked (first 3 and last 3 digits kept)."""
    return _PERSONAL.sub(_masked, text)


def _mask_value(value):
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {key: _mask_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_mask_value(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool) and mask(str(value)) != str(value):
        return mask(str(value))
    return value


def current_call_id():
    return getattr(_current, "call_id", None)


def current_call_id_stack():
    return getattr(_current, "call_id_stack", None)


class CallContext(DependencyProvider):
    """``call_context = CallContext()``: the worker's call id is known to every log record it writes."""

    def worker_setup(self, worker_ctx):
        _current.call_id = worker_ctx.call_id
        _current.call_id_stack = worker_ctx.call_id_stack

    def worker_teardown(self, worker_ctx):
        _current.call_id = _current.call_id_stack = None

    def get_dependency(self, worker_ctx):
        return worker_ctx.call_id


class AddCallId(logging.Filter):
    """Sets ``record.call_id`` and ``record.call_id_stack`` (None outside a worker)."""

    def filter(self, record):
        record.call_id = current_call_id()
        record.call_id_stack = current_call_id_stack()
        return True


class MaskPersonalData(logging.Filter):
    """Masks the formatted message (args included), the exception text and the stack of a record."""

    def filter(self, record):
        record.msg, record.args = mask(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line; masks personal data itself, whether or not the filter is installed."""

    def __init__(self, service=None):
        super().__init__()
        self.service = service

    def format(self, record):
        call_id = getattr(record, "call_id", None) or current_call_id()
        stack = getattr(record, "call_id_stack", None) or current_call_id_stack()
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask(record.getMessage()),
            "service": self.service or (call_id.split(".")[0] if call_id else None),
            "call_id": call_id,
        }
        if stack and len(stack) > 1:
            entry["call_id_stack"] = list(stack)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = mask(record.exc_text)
        if record.stack_info:
            entry["stack"] = mask(self.formatStack(record.stack_info))
        for key, value in record.__dict__.items():
            if key not in _RECORD_FIELDS and not key.startswith("_"):
                entry.setdefault(key, _mask_value(value))
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(service_name, level="INFO"):
    """The ``LOGGING`` dict-config of the module docstring, for ``logging.config.dictConfig``."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "servicekit.logs.JsonFormatter", "service": service_name}},
        "filters": {
            "call_id": {"()": "servicekit.logs.AddCallId"},
            "mask": {"()": "servicekit.logs.MaskPersonalData"},
        },
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json",
                "filters": ["call_id", "mask"],
            }
        },
        "root": {"level": level, "handlers": ["stdout"]},
    }


def configure_logging(service_name, level="INFO", stream=None):
    """JSON lines on stdout for the whole process; replaces the root logger's handlers."""
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(JsonFormatter(service_name))
    handler.addFilter(AddCallId())
    handler.addFilter(MaskPersonalData())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    return handler
