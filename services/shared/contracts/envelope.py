"""The event envelope and the registry of versioned event payloads.

Every event on the bus is ``{event_id, event_type, version, source, occurred_at, payload}``. Producers build
one with :func:`make_event`; consumers read one with :func:`load_event`, which validates the envelope,
upcasts an old payload version to the current one and validates the payload.

Adding an optional payload field keeps the version (readers use ``unknown = EXCLUDE``); any other change
bumps it and registers an upcaster from the previous version beside the new schema.
"""

import importlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from marshmallow import EXCLUDE, Schema, ValidationError, fields

from contracts.errors import ValidationFailed


class EnvelopeSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    event_id = fields.UUID(required=True)
    event_type = fields.String(required=True)
    version = fields.Integer(required=True, strict=True)
    source = fields.String(required=True)
    occurred_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    payload = fields.Dict(required=True)


@dataclass(frozen=True)
class Event:
    event_type: str
    version: int
    source: str
    payload: dict
    event_id: uuid.UUID = field(default_factory=uuid.uuid4)
    occurred_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def routing_key(self):
        return self.event_type

    def to_message(self):
        """The JSON-ready body put on the bus."""
        return EnvelopeSchema().dump(
            {
                "event_id": self.event_id,
                "event_type": self.event_type,
                "version": self.version,
                "source": self.source,
                "occurred_at": self.occurred_at,
                "payload": self.payload,
            }
        )


# Modules that register event schemas; imported on first use so that any reader knows every event.
EVENT_MODULES = ("contracts.member_events", "contracts.fund_events", "contracts.evaluation_events")


class _Registry:
    def __init__(self):
        self.schemas = {}  # (event_type, version) -> Schema class
        self.current = {}  # event_type -> newest version
        self.upcasters = {}  # (event_type, from_version) -> function(payload) -> payload of from_version + 1
        self.loaded = False

    def ensure_loaded(self):
        if not self.loaded:
            self.loaded = True
            for module in EVENT_MODULES:
                importlib.import_module(module)

    def register(self, event_type, version, schema_cls):
        self.schemas[(event_type, version)] = schema_cls
        self.current[event_type] = max(version, self.current.get(event_type, 0))

    def upcaster(self, event_type, from_version):
        def decorate(function):
            self.upcasters[(event_type, from_version)] = function
            return function

        return decorate


registry = _Registry()


def event_schema(event_type, version):
    """Class decorator: register a payload schema for one event type and version."""

    def decorate(schema_cls):
        registry.register(event_type, version, schema_cls)
        schema_cls.event_type = event_type
        schema_cls.version = version
        return schema_cls

    return decorate


def make_event(event_type, payload, source):
    """Build an event of the current version, validating the payload on the way out."""
    registry.ensure_loaded()
    version = registry.current.get(event_type)
    if version is None:
        raise KeyError(f"unknown event type {event_type!r}")
    schema = registry.schemas[(event_type, version)]()
    errors = schema.validate(schema.dump(payload))
    if errors:
        raise ValueError(f"invalid {event_type} payload: {errors}")
    return Event(event_type=event_type, version=version, source=source, payload=schema.dump(payload))


class InvalidEvent(ValidationFailed):
    """A message that can never be handled: not an envelope, an unknown type, a bad payload.

    Consumers dead-letter it at once instead of retrying it.
    """

    code = "invalid_event"


def load_event(body):
    """Validate an incoming envelope; return ``(envelope, payload)`` with the payload at the current version."""
    registry.ensure_loaded()
    try:
        envelope = EnvelopeSchema().load(body)
    except ValidationError as error:
        raise InvalidEvent(f"not an event envelope: {error.messages}") from error
    event_type, version = envelope["event_type"], envelope["version"]
    current = registry.current.get(event_type)
    if current is None or (event_type, version) not in registry.schemas:
        raise InvalidEvent(f"unknown event {event_type} v{version}")
    payload = envelope["payload"]
    while version < current:
        payload = registry.upcasters[(event_type, version)](payload)
        version += 1
    try:
        loaded = registry.schemas[(event_type, current)]().load(payload)
    except ValidationError as error:
        raise InvalidEvent(f"bad {event_type} v{current} payload: {error.messages}") from error
    envelope["version"] = current
    return envelope, loaded
