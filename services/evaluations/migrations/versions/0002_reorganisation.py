"""evaluations: reorganisation of units — earlier paths of moved units, earlier units of re-pointed records

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from servicekit.orgunits import create_org_unit_paths, drop_org_unit_paths

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    create_org_unit_paths(op)
    op.create_table(
        "record_unit_history",
        sa.Column("record_kind", sa.String(length=12), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("unit_code", sa.String(length=20), nullable=False),
        sa.Column("unit_path", sa.String(length=200), nullable=False),
        sa.Column("reorganisation_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("record_kind", "record_id", "valid_until"),
    )


def downgrade():
    op.drop_table("record_unit_history")
    drop_org_unit_paths(op)
