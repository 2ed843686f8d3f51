"""Tables of the members service (its own database). Migrations in ``migrations/`` follow these."""

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicekit.orgunits import define_org_unit_paths
from servicekit.tables import BIG_ID, UtcDateTime, define_kit_tables


def utcnow():
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Unit(Base):
    __tablename__ = "units"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(12))
    kind: Mapped[str | None] = mapped_column(String(20))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"), index=True)
    path: Mapped[str] = mapped_column(String(200), unique=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    term: Mapped[str | None] = mapped_column(String(20))
    committees: Mapped[dict] = mapped_column(JSON, default=dict)
    grassroots_issued: Mapped[int] = mapped_column(Integer, default=0)  # last sequence of platform-issued codes
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Member(Base):
    __tablename__ = "members"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    cccd: Mapped[str] = mapped_column(String(12), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(200))
    gender: Mapped[str] = mapped_column(String(6))
    birth_year: Mapped[int] = mapped_column(Integer)
    birth_date: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(15))
    email: Mapped[str | None] = mapped_column(String(200))
    ethnicity: Mapped[str | None] = mapped_column(String(50))
    religion: Mapped[str | None] = mapped_column(String(50))
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    unit_path: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), default="ACTIVE")
    join_date: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    left_reason: Mapped[str | None] = mapped_column(String(20))  # VOLUNTARY, DECEASED, EXCLUDED, OTHER
    card_number: Mapped[str] = mapped_column(String(30), unique=True)
    consent_given_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # a data-subject erasure (privacy.py)
    # Party membership (issue 11): None = not recorded. Access-restricted: only ADMIN reads or sets it, it is
    # never in events or logs; reports count it only as an aggregate (usecases/report.py).
    party_member: Mapped[bool | None] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    __table_args__ = (
        # Subtree filters are prefix matches on the path: text_pattern_ops lets PostgreSQL use the index
        # for LIKE '/VN/01/%' whatever the collation.
        Index("ix_members_unit_path", "unit_path", postgresql_ops={"unit_path": "text_pattern_ops"}),
        # Listing a large subtree page by page walks this index in order instead of sorting the subtree
        # (1M members, the whole tree: 297 ms -> 0.5 ms for the first page on this machine).
        Index("ix_members_name_order", "name_folded", "id"),
        # A unit's members in name order (repository._listing_page merges a page from each unit's first
        # rows): one index walk per unit instead of a walk of the whole name index or a sort of the subtree.
        Index(
            "ix_members_path_name",
            "unit_path",
            "name_folded",
            "id",
            postgresql_ops={"unit_path": "text_pattern_ops"},
        ),
        # Search without diacritics: trigram index on the folded name (PostgreSQL, pg_trgm).
        Index(
            "ix_members_name_trgm",
            "name_folded",
            postgresql_using="gin",
            postgresql_ops={"name_folded": "gin_trgm_ops"},
        ),
    )


class Membership(Base):
    """One stay of a member in one unit: the history that transfers and leaving keep."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True, autoincrement=True)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), index=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    unit_path: Mapped[str] = mapped_column(String(200))
    started_on: Mapped[date] = mapped_column(Date)
    start_reason: Mapped[str] = mapped_column(String(20))  # JOINED, TRANSFERRED_IN, REJOINED
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(20))  # TRANSFERRED, LEFT

    __table_args__ = (
        Index(
            "ix_memberships_path_started", "unit_path", "started_on", postgresql_ops={"unit_path": "text_pattern_ops"}
        ),
    )


class Consent(Base):
    """The explicit, timestamped consent record (Law 91/2025): silence is not consent."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True, autoincrement=True)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(50), default="MEMBERSHIP")
    channel: Mapped[str] = mapped_column(String(20))
    given_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[str | None] = mapped_column(String(100))
    guardian_name: Mapped[str | None] = mapped_column(String(200))
    guardian_relation: Mapped[str | None] = mapped_column(String(50))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Officer(Base):
    __tablename__ = "officers"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CardCounter(Base):
    """Card numbers run per province and year."""

    __tablename__ = "card_counters"

    province_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class ApiClient(Base):
    """A provincial system's OAuth2 client-credentials account: its secret is kept as an argon2 hash."""

    __tablename__ = "api_clients"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    scopes: Mapped[str] = mapped_column(String(200))  # space-separated, as OAuth2 writes them
    secret_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    secret_rotated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AuditRecord(Base):
    """One exchange of a machine client with the gateway: who, when, what, the result; never a body."""

    __tablename__ = "audit_records"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # given by the gateway: a resend is a no-op
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    method: Mapped[str] = mapped_column(String(10))
    route: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(String(300))
    status: Mapped[int] = mapped_column(Integer)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    job_id: Mapped[str | None] = mapped_column(String(64))
    member_id: Mapped[str | None] = mapped_column(String(64))
    call_id: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (Index("ix_audit_records_client_at", "client_id", "at"), Index("ix_audit_records_at", "at"))


class ImportJob(Base):
    """A bulk registration file and how far its processing got. ``rows_done`` is the checkpoint: the rows
    before it are committed (members, events and row errors in the same transactions as the checkpoint)."""

    __tablename__ = "import_jobs"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    principal: Mapped[str] = mapped_column(String(100))  # the officer id, or "client:<id>"
    actor: Mapped[dict] = mapped_column(JSON)  # as the gateway passed it: the rows are registered by it
    actor_unit_path: Mapped[str] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(5))
    spool_name: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str | None] = mapped_column(String(200))
    size_bytes: Mapped[int] = mapped_column(BIG_ID)
    state: Mapped[str] = mapped_column(String(10), default="QUEUED")
    rows_total: Mapped[int | None] = mapped_column(Integer)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    rows_accepted: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    failure: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        # The same file from the same sender is the same job.
        Index("ux_import_jobs_principal_hash", "principal", "content_hash", unique=True),
        Index("ix_import_jobs_state", "state"),
    )


class ImportRowError(Base):
    """One problem with one row of an import: the per-row error report."""

    __tablename__ = "import_row_errors"

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True, autoincrement=True)
    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("import_jobs.id"))
    row_number: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(50))
    message_vi: Mapped[str] = mapped_column(String(300))
    message_en: Mapped[str] = mapped_column(String(300))

    __table_args__ = (Index("ix_import_row_errors_job", "job_id", "id"),)


class MemberVerification(Base):
    """An identity check of a member: who checked, how, when and with what result (the latest counts)."""

    __tablename__ = "member_verifications"

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True, autoincrement=True)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    method: Mapped[str] = mapped_column(String(12))
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    verified_by: Mapped[str] = mapped_column(String(100))
    verified_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(String(500))


class MemberTitle(Base):
    """A learning title decided for a member (Công dân học tập), from the evaluations service's
    ``evaluation_completed``: one row per member, title and year; the newest decision event wins."""

    __tablename__ = "member_titles"

    member_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    title_type: Mapped[str] = mapped_column(String(30), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    outcome: Mapped[str] = mapped_column(String(16))
    evaluation_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    decision_reference: Mapped[str] = mapped_column(String(100))
    decided_on: Mapped[date] = mapped_column(Date)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PrivacyRequest(Base):
    """A data-subject request (Law 91/2025) carried out for a member: who, when, what and why; never a value.
    ``member_unit_path`` is where the member was, so that administrators of that subtree see the request."""

    __tablename__ = "privacy_requests"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    member_unit_path: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # EXPORT, CORRECT, ANONYMISE, WITHDRAW_CONSENT
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(String(500))
    reference: Mapped[str | None] = mapped_column(String(100))
    officer_id: Mapped[str] = mapped_column(String(100))
    username: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(10))
    unit_code: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    __table_args__ = (
        Index("ix_privacy_requests_member_at", "member_id", "at"),
        Index("ix_privacy_requests_at", "at"),
    )


# --- reorganisation of units (issue 11; migration 0007) ------------------------------------------------
# The earlier paths of units moved by a merge or split (servicekit.orgunits, the same table every service's
# projection keeps): reports for periods before a change see the tree as it stood.
UNIT_PATHS = define_org_unit_paths(Base.metadata)


class Reorganisation(Base):
    """One applied merge or split. ``id`` is ``contracts.reorganisation.operation_id``: the same operation
    applied again finds its row and changes nothing. ``unit_path`` is where the survivor (merge) or the
    source (split) stood, the scope in which the record is listed; ``summary`` is the operation's result."""

    __tablename__ = "reorganisations"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kind: Mapped[str] = mapped_column(String(5))  # MERGE, SPLIT
    effective_on: Mapped[date] = mapped_column(Date)
    decision_ref: Mapped[str | None] = mapped_column(String(200))
    unit_code: Mapped[str] = mapped_column(String(20))  # the survivor of a merge, the source of a split
    unit_path: Mapped[str] = mapped_column(String(200))
    closed_units: Mapped[list] = mapped_column(JSON, default=list)
    created_units: Mapped[list] = mapped_column(JSON, default=list)
    applied_by: Mapped[str | None] = mapped_column(String(100))
    applied_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)

    __table_args__ = (
        Index("ix_reorganisations_path", "unit_path", postgresql_ops={"unit_path": "text_pattern_ops"}),
        Index("ix_reorganisations_applied_at", "applied_at"),
    )


# --- activities and the review report (issue 11; migration 0008) ---------------------------------------


class Activity(Base):
    """A study session, training class or campaign recorded for a unit (``sessions`` counts a register of
    several at once; ``participants`` are participations over all of them). ``unit_path`` is the unit's path
    when it was recorded: a unit merged away later keeps its activities in reports of earlier periods."""

    __tablename__ = "activities"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    unit_path: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # contracts.reports.ACTIVITY_KINDS
    title: Mapped[str] = mapped_column(String(300))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date] = mapped_column(Date)
    sessions: Mapped[int] = mapped_column(Integer)
    participants: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(String(2000))
    recorded_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    __table_args__ = (
        Index(
            "ix_activities_path_started", "unit_path", "started_on", postgresql_ops={"unit_path": "text_pattern_ops"}
        ),
    )


OUTBOX, INBOX, IDEMPOTENCY_KEYS = define_kit_tables(Base.metadata)
metadata = Base.metadata
