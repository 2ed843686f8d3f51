"""Tables of the evaluations service (its own database). Migrations in ``migrations/`` follow these.

- ``org_units``: its projection of the org tree (``servicekit.orgunits``).
- ``member_units``: its projection of who belongs where, from the members' events (newest
  ``member_version`` wins, so duplicated and reordered events leave the right row).
- ``campaigns``: a unit's yearly campaign: the criteria set pinned per slot and the deadlines.
- ``evaluations``: one subject, one title, one year, from registration to the decision.
- ``org_unit_paths``: earlier paths of units that moved in a reorganisation (``servicekit.orgunits``).
- ``record_unit_history``: the unit an evaluation, a member's projection row or a campaign had before a
  merge or split re-pointed it, valid until the day before the change (reports of earlier periods).
"""

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicekit import orgunits
from servicekit.tables import UtcDateTime, define_kit_tables


class Base(DeclarativeBase):
    pass


class MemberUnit(Base):
    __tablename__ = "member_units"

    member_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(20))
    unit_path: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(8))  # ACTIVE or LEFT
    member_version: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_member_units_path", "unit_path", postgresql_ops={"unit_path": "text_pattern_ops"}),
    )


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    unit_code: Mapped[str] = mapped_column(String(20))
    unit_path: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    criteria_sets: Mapped[dict] = mapped_column(JSON)  # slot -> criteria set id
    dossier_before: Mapped[date] = mapped_column(Date)
    community_dossier_before: Mapped[date] = mapped_column(Date)
    recognition_by: Mapped[date] = mapped_column(Date)
    report_before: Mapped[date] = mapped_column(Date)
    opened_by: Mapped[str] = mapped_column(String(100))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        UniqueConstraint("unit_code", "year", name="uq_campaigns_unit_year"),
        Index("ix_campaigns_path", "unit_path", postgresql_ops={"unit_path": "text_pattern_ops"}),
    )


class Evaluation(Base):
    __tablename__ = "evaluations"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id"), index=True)
    title_type: Mapped[str] = mapped_column(String(30))
    year: Mapped[int] = mapped_column(Integer)
    criteria_set_id: Mapped[str] = mapped_column(String(60))
    form_code: Mapped[str | None] = mapped_column(String(30))
    subject_kind: Mapped[str] = mapped_column(String(20))
    subject_key: Mapped[str] = mapped_column(String(260))
    subject_name: Mapped[str | None] = mapped_column(String(200))
    member_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)  # the person, or a household's head
    subject_unit_code: Mapped[str | None] = mapped_column(String(20))
    unit_code: Mapped[str] = mapped_column(String(20))  # where the subject belongs (scope, statistics)
    unit_path: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    answers: Mapped[dict | None] = mapped_column(JSON)
    self_score: Mapped[int | None] = mapped_column(Integer)
    reviewed_answers: Mapped[dict | None] = mapped_column(JSON)
    score: Mapped[int | None] = mapped_column(Integer)
    adjustments: Mapped[list] = mapped_column(JSON, default=list)
    review_note: Mapped[str | None] = mapped_column(String(1000))
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str | None] = mapped_column(String(16))
    degree: Mapped[str | None] = mapped_column(String(10))
    decision_reference: Mapped[str | None] = mapped_column(String(100))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    registered_by: Mapped[str] = mapped_column(String(100))
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        UniqueConstraint("subject_key", "title_type", "year", name="uq_evaluations_subject_title_year"),
        Index("ix_evaluations_path_year", "unit_path", "year", postgresql_ops={"unit_path": "text_pattern_ops"}),
    )


class RecordUnitHistory(Base):
    """Where a record was before a reorganisation moved it: ``record_kind`` is ``evaluation``, ``member``
    or ``campaign``; the earliest row with ``valid_until`` on or after a day is the record's unit that day."""

    __tablename__ = "record_unit_history"

    record_kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    valid_until: Mapped[date] = mapped_column(Date, primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(20))
    unit_path: Mapped[str] = mapped_column(String(200))
    reorganisation_id: Mapped[uuid.UUID] = mapped_column(Uuid)


ORG_UNITS = orgunits.define_org_units(Base.metadata)
ORG_UNIT_PATHS = orgunits.define_org_unit_paths(Base.metadata)
OUTBOX, INBOX, IDEMPOTENCY_KEYS = define_kit_tables(Base.metadata)
metadata = Base.metadata
