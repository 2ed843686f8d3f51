"""members: activities of units (study sessions, training classes, campaigns) and Party membership

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "activities",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("unit_code", sa.String(length=20), nullable=False),
        sa.Column("unit_path", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("notes", sa.String(length=2000), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["unit_code"], ["units.code"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_activities_path_started",
        "activities",
        ["unit_path", "started_on"],
        postgresql_ops={"unit_path": "text_pattern_ops"},
    )
    op.add_column("members", sa.Column("party_member", sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table("members") as batch:
        batch.drop_column("party_member")
    op.drop_index("ix_activities_path_started", table_name="activities")
    op.drop_table("activities")
