"""Tables of the notifications service (its own database). Migrations in ``migrations/`` follow these.

- ``deliveries``: one row per recipient × channel (or, before the officers of a unit are known, one
  fan-out row that the dispatcher expands into a row per officer). Its state machine:
  PENDING → SENDING → SENT | FAILED (retried at ``next_attempt_at``) → … → DEAD (replayable);
  SKIPPED (opted out, no consent, no address), HELD → DIGESTED (gathered into a digest), EXPANDED.
  No full e-mail address or phone number is ever written: the dispatcher looks the address up at send
  time and records only its masked form in ``address``.
- ``inbox_messages``: the in-app inbox of officers (read / unread).
- ``webhook_subscriptions``: provincial systems' endpoints, their secrets (the previous secret also
  signs until ``previous_secret_expires_at`` during a rotation).
- ``preferences``: an officer's disabled channels and muted rules.
- ``reminders_sent``: one row per (campaign, unit, deadline) so a reminder is sent once.
- ``org_units``: the service's projection of the org tree (``servicekit.orgunits``), for webhook scopes;
  ``org_unit_paths``: the paths units had before a merge or split moved them.
- ``reroutes``: what a merge or split re-routed (a subscription's scope, a pending note to the officers
  of a closed unit), from where to where: the operators' record of it (issue 11).
"""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)

from servicekit import orgunits
from servicekit.tables import BIG_ID, UtcDateTime, define_kit_tables

metadata = MetaData()

DELIVERIES = Table(
    "deliveries",
    metadata,
    Column("id", BIG_ID, primary_key=True, autoincrement=True),
    Column("public_id", Uuid, nullable=False, unique=True),
    Column("dedupe_key", String(300), nullable=False, unique=True),
    Column("event_id", Uuid),
    Column("event_type", String(100)),
    Column("rule", String(100), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("recipient_kind", String(30), nullable=False),  # MEMBER, DONOR, OFFICER, UNIT_OFFICERS, ...
    Column("recipient_id", String(100), nullable=False),
    Column("subscription_id", Uuid, index=True),
    Column("parent_id", BIG_ID),
    Column("unit_path", String(200)),  # where the event happened: scopes the delivery log
    Column("data", JSON, nullable=False),  # what the template needs (ids, codes, dates: no personal data)
    Column("address", String(500)),  # masked e-mail or phone, or the webhook URL
    Column("state", String(12), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("max_attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime),
    Column("claimed_until", UtcDateTime),
    Column("last_error", String(500)),
    Column("provider_message_id", String(200)),
    Column("digest_key", String(200)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
)
# The dispatcher only reads rows that still have work to do: keep that index small.
Index(
    "ix_deliveries_due",
    DELIVERIES.c.next_attempt_at,
    postgresql_where=text("state IN ('PENDING', 'FAILED', 'SENDING')"),
    sqlite_where=text("state IN ('PENDING', 'FAILED', 'SENDING')"),
)
Index("ix_deliveries_digest", DELIVERIES.c.recipient_id, DELIVERIES.c.rule, DELIVERIES.c.created_at)

INBOX_MESSAGES = Table(
    "inbox_messages",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("officer_id", String(64), nullable=False),
    Column("delivery_id", BIG_ID, nullable=False, unique=True),  # a retried send inserts nothing twice
    Column("rule", String(100), nullable=False),
    Column("event_type", String(100)),
    Column("subject", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("read_at", UtcDateTime),
)
Index("ix_inbox_messages_officer", INBOX_MESSAGES.c.officer_id, INBOX_MESSAGES.c.created_at)

WEBHOOK_SUBSCRIPTIONS = Table(
    "webhook_subscriptions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("client_name", String(100), nullable=False),
    Column("unit_code", String(20), nullable=False),
    Column("unit_path", String(200), nullable=False),
    Column("event_types", JSON, nullable=False),
    Column("url", String(500), nullable=False),
    Column("secret", String(100), nullable=False),
    Column("previous_secret", String(100)),
    Column("previous_secret_expires_at", UtcDateTime),
    Column("active", Boolean, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("rotated_at", UtcDateTime),
    Column("deleted_at", UtcDateTime),
)

PREFERENCES = Table(
    "preferences",
    metadata,
    Column("officer_id", String(64), primary_key=True),
    Column("disabled_channels", JSON, nullable=False),
    Column("muted_rules", JSON, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

REMINDERS_SENT = Table(
    "reminders_sent",
    metadata,
    Column("campaign_id", String(64), primary_key=True),
    Column("unit_code", String(20), primary_key=True),
    Column("deadline", String(20), primary_key=True),
    Column("deadline_date", String(10), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

REROUTES = Table(
    "reroutes",
    metadata,
    Column("id", BIG_ID, primary_key=True, autoincrement=True),
    Column("reorganisation_id", Uuid, nullable=False),
    Column("event_type", String(100), nullable=False),  # units_merged, unit_split
    Column("item_kind", String(20), nullable=False),  # SUBSCRIPTION, DELIVERY
    Column("item_id", String(64), nullable=False),  # the subscription's id, the delivery's public id
    Column("from_unit_code", String(20), nullable=False),
    Column("from_unit_path", String(200)),
    Column("to_unit_code", String(20), nullable=False),
    Column("to_unit_path", String(200)),
    Column("rerouted_at", UtcDateTime, nullable=False),
    UniqueConstraint("item_kind", "item_id", "reorganisation_id", name="uq_reroutes_item"),
)
Index("ix_reroutes_item", REROUTES.c.item_id)

ORG_UNITS = orgunits.define_org_units(metadata)
ORG_UNIT_PATHS = orgunits.define_org_unit_paths(metadata)
OUTBOX, INBOX, IDEMPOTENCY_KEYS = define_kit_tables(metadata)
