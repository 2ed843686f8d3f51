"""Tables of the members service (its own database). Migrations in ``migrations/`` follow these."""

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

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


OUTBOX, INBOX, IDEMPOTENCY_KEYS = define_kit_tables(Base.metadata)
metadata = Base.metadata
