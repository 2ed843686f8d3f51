"""members: reorganisation of units (merges and splits) — earlier paths of moved units, applied operations

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

from servicekit.orgunits import create_org_unit_paths, drop_org_unit_paths

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    create_org_unit_paths(op)
    op.create_table(
        "reorganisations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=5), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("decision_ref", sa.String(length=200), nullable=True),
        sa.Column("unit_code", sa.String(length=20), nullable=False),
        sa.Column("unit_path", sa.String(length=200), nullable=False),
        sa.Column("closed_units", sa.JSON(), nullable=False),
        sa.Column("created_units", sa.JSON(), nullable=False),
        sa.Column("applied_by", sa.String(length=100), nullable=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_reorganisations_path", "reorganisations", ["unit_path"], postgresql_ops={"unit_path": "text_pattern_ops"}
    )
    op.create_index("ix_reorganisations_applied_at", "reorganisations", ["applied_at"])


def downgrade():
    op.drop_table("reorganisations")
    drop_org_unit_paths(op)
