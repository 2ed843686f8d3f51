"""evaluations: org units and member units projections, campaigns, evaluations, outbox, inbox, idempotency keys

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from servicekit import orgunits

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

PATH_OPS = {"postgresql_ops": {"unit_path": "text_pattern_ops"}}


def upgrade():
    op.create_table("org_units", *orgunits.org_units_columns())
    op.create_index("ix_org_units_path_prefix", "org_units", ["path"], postgresql_ops={"path": "text_pattern_ops"})
    op.create_table(
        "member_units",
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("unit_code", sa.String(length=20), nullable=False),
        sa.Column("unit_path", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("member_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("member_id"),
    )
    op.create_index("ix_member_units_path", "member_units", ["unit_path"], **PATH_OPS)
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("unit_code", sa.String(length=20), nullable=False),
        sa.Column("unit_path", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("criteria_sets", sa.JSON(), nullable=False),
        sa.Column("dossier_before", sa.Date(), nullable=False),
        sa.Column("community_dossier_before", sa.Date(), nullable=False),
        sa.Column("recognition_by", sa.Date(), nullable=False),
        sa.Column("report_before", sa.Date(), nullable=False),
        sa.Column("opened_by", sa.String(length=100), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit_code", "year", name="uq_campaigns_unit_year"),
    )
    op.create_index("ix_campaigns_path", "campaigns", ["unit_path"], **PATH_OPS)
    op.create_table(
        "evaluations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("title_type", sa.String(length=30), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("criteria_set_id", sa.String(length=60), nullable=False),
        sa.Column("form_code", sa.String(length=30), nullable=True),
        sa.Column("subject_kind", sa.String(length=20), nullable=False),
        sa.Column("subject_key", sa.String(length=260), nullable=False),
        sa.Column("subject_name", sa.String(length=200), nullable=True),
        sa.Column("member_id", sa.Uuid(), nullable=True),
        sa.Column("subject_unit_code", sa.String(length=20), nullable=True),
        sa.Column("unit_code", sa.String(length=20), nullable=False),
        sa.Column("unit_path", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=True),
        sa.Column("self_score", sa.Integer(), nullable=True),
        sa.Column("reviewed_answers", sa.JSON(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("adjustments", sa.JSON(), nullable=False),
        sa.Column("review_note", sa.String(length=1000), nullable=True),
        sa.Column("reviewed_by", sa.String(length=100), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("degree", sa.String(length=10), nullable=True),
        sa.Column("decision_reference", sa.String(length=100), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("registered_by", sa.String(length=100), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("subject_key", "title_type", "year", name="uq_evaluations_subject_title_year"),
    )
    op.create_index("ix_evaluations_campaign_id", "evaluations", ["campaign_id"])
    op.create_index("ix_evaluations_member_id", "evaluations", ["member_id"])
    op.create_index("ix_evaluations_path_year", "evaluations", ["unit_path", "year"], **PATH_OPS)
    op.create_table(
        "idempotency_keys",
        sa.Column("principal", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("operation", sa.String(length=100), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("principal", "key"),
    )
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(length=200), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(length=100), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id"),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("headers", sa.Text(), server_default="{}", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
    )
    op.create_index(
        "ix_outbox_unpublished", "outbox", ["id"],
        postgresql_where=sa.text("published_at IS NULL"), sqlite_where=sa.text("published_at IS NULL"),
    )


def downgrade():
    for table in ("outbox", "inbox", "idempotency_keys", "evaluations", "campaigns", "member_units", "org_units"):
        op.drop_table(table)
