"""Tables of the funds service (its own database). Migrations in ``migrations/`` follow these.

The ledger is three tables in TigerBeetle's shape: ``accounts`` keep posted totals (never a balance
column that could drift), ``transfers`` are immutable and keyed by the client's id, ``postings`` are
their lines. The database enforces what the code already checks: posted totals are never negative, no
CASH account is ever overdrawn (its credits never exceed its debits), one reversal per transfer.
"""

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicekit import orgunits
from servicekit.tables import BIG_ID, UtcDateTime, define_kit_tables


def utcnow():
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Fund(Base):
    __tablename__ = "funds"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    unit_code: Mapped[str] = mapped_column(String(20))
    unit_path: Mapped[str] = mapped_column(String(200))  # copied from org_units: subtree filters need no join
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12))  # GENERAL, SCHOLARSHIP, CLAN, SCHOOL, OTHER
    donor_name: Mapped[str | None] = mapped_column(String(200))  # a named fund bears its donor's name
    description: Mapped[str | None] = mapped_column(String(1000))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Set when a reorganisation closed the fund's unit: the fund its money went to (its history stays here).
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)

    __table_args__ = (
        Index("ix_funds_unit_path", "unit_path", postgresql_ops={"unit_path": "text_pattern_ops"}),
        CheckConstraint("kind IN ('GENERAL', 'SCHOLARSHIP', 'CLAN', 'SCHOOL', 'OTHER')", name="ck_funds_kind"),
    )


class Account(Base):
    """One account of one fund: (kind, purpose). ``purpose`` is "" for unrestricted money."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True, autoincrement=True)
    fund_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("funds.id"))
    kind: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(String(64))
    debits_posted: Mapped[int] = mapped_column(BigInteger, default=0)
    credits_posted: Mapped[int] = mapped_column(BigInteger, default=0)

    __table_args__ = (
        UniqueConstraint("fund_id", "kind", "purpose", name="uq_accounts_key"),
        CheckConstraint("debits_posted >= 0 AND credits_posted >= 0", name="ck_accounts_posted_not_negative"),
        # TigerBeetle's credits_must_not_exceed_debits on the money a fund holds: the second line of defence
        # behind domain.posted_states (the use case maps a violation to insufficient_funds).
        CheckConstraint("kind <> 'CASH' OR credits_posted <= debits_posted", name="ck_accounts_cash_not_overdrawn"),
    )


class Transfer(Base):
    """An applied transfer: immutable, at most one per id (the client's Idempotency-Key)."""

    __tablename__ = "transfers"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))  # donation, disbursement_payment, fund_transfer, reversal
    reverses: Mapped[str | None] = mapped_column(ForeignKey("transfers.id"), unique=True)  # one reversal each
    request_hash: Mapped[str] = mapped_column(String(64))  # same id, same request -> replay; else a conflict
    fund_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("funds.id"))  # the fund it starts from
    counter_fund_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("funds.id"))  # a transfer's receiver
    amount_vnd: Mapped[int] = mapped_column(BigInteger)
    purpose: Mapped[str] = mapped_column(String(64), default="")
    occurred_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("amount_vnd > 0", name="ck_transfers_amount_positive"),
        CheckConstraint("(kind = 'reversal') = (reverses IS NOT NULL)", name="ck_transfers_reversal_names_original"),
        Index("ix_transfers_fund_occurred", "fund_id", "occurred_on"),
        Index("ix_transfers_counter_fund_occurred", "counter_fund_id", "occurred_on"),
    )


class Posting(Base):
    __tablename__ = "postings"

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True, autoincrement=True)
    transfer_id: Mapped[str] = mapped_column(ForeignKey("transfers.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    debit: Mapped[int] = mapped_column(BigInteger, default=0)
    credit: Mapped[int] = mapped_column(BigInteger, default=0)

    __table_args__ = (
        CheckConstraint(
            "(debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0)", name="ck_postings_one_positive_side"
        ),
        UniqueConstraint("transfer_id", "account_id", name="uq_postings_transfer_account"),
    )


class Donation(Base):
    """The story of a donation transfer: who gave, how, for what. Its id is the transfer's id."""

    __tablename__ = "donations"

    id: Mapped[str] = mapped_column(ForeignKey("transfers.id"), primary_key=True)
    fund_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("funds.id"))
    donor_kind: Mapped[str] = mapped_column(String(12))  # PERSON, ORGANISATION, ANONYMOUS
    donor_name: Mapped[str | None] = mapped_column(String(200))
    donor_email: Mapped[str | None] = mapped_column(String(200))  # never in events or logs
    donor_phone: Mapped[str | None] = mapped_column(String(20))  # never in events or logs
    amount_vnd: Mapped[int] = mapped_column(BigInteger)
    received_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(16))  # CASH, BANK_TRANSFER, IN_KIND
    in_kind_description: Mapped[str | None] = mapped_column(String(500))
    purpose: Mapped[str] = mapped_column(String(64), default="")
    receipt_number: Mapped[str] = mapped_column(String(40), unique=True)
    note: Mapped[str | None] = mapped_column(String(500))
    recorded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    __table_args__ = (Index("ix_donations_fund_received", "fund_id", "received_on"),)


class ReceiptCounter(Base):
    """Receipt numbers run per unit and year (``00070-2026-000123``): one receipt book per unit, so the
    number a donor holds names exactly one donation whichever of the unit's funds received it."""

    __tablename__ = "receipt_counters"

    unit_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Disbursement(Base):
    __tablename__ = "disbursements"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    fund_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("funds.id"))
    kind: Mapped[str] = mapped_column(String(12))  # HOC_BONG, KHEN_THUONG, HO_TRO
    beneficiary_name: Mapped[str] = mapped_column(String(200))
    amount_vnd: Mapped[int] = mapped_column(BigInteger)
    purpose: Mapped[str] = mapped_column(String(64), default="")
    decision_reference: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(10), default="PROPOSED")
    proposed_by: Mapped[str] = mapped_column(String(100))
    proposed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    approved_by: Mapped[str | None] = mapped_column(String(100))
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    rejected_by: Mapped[str | None] = mapped_column(String(100))
    rejected_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    rejection_reason: Mapped[str | None] = mapped_column(String(500))
    paid_transfer_id: Mapped[str | None] = mapped_column(ForeignKey("transfers.id"), unique=True)
    paid_on: Mapped[date | None] = mapped_column(Date)
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        Index("ix_disbursements_fund_status", "fund_id", "status"),
        CheckConstraint("amount_vnd > 0", name="ck_disbursements_amount_positive"),
        CheckConstraint("(status = 'PAID') = (paid_transfer_id IS NOT NULL)", name="ck_disbursements_paid_transfer"),
        CheckConstraint("approved_by IS NULL OR approved_by <> proposed_by", name="ck_disbursements_four_eyes"),
    )


ORG_UNITS = orgunits.define_org_units(Base.metadata)
ORG_UNIT_PATHS = orgunits.define_org_unit_paths(Base.metadata)  # earlier paths of units moved by a reorganisation
OUTBOX, INBOX, IDEMPOTENCY_KEYS = define_kit_tables(Base.metadata)
metadata = Base.metadata
