"""notifications: org unit path history and the record of what merges and splits re-routed (issue 11)

Revision ID: 0002
Revises: 0001
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
        "reroutes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("reorganisation_id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(length=100), nullable=False),
        sa.Column("item_kind", sa.String(length=20), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("from_unit_code", sa.String(length=20), nullable=False),
        sa.Column("from_unit_path", sa.String(length=200), nullable=True),
        sa.Column("to_unit_code", sa.String(length=20), nullable=False),
        sa.Column("to_unit_path", sa.String(length=200), nullable=True),
        sa.Column("rerouted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("item_kind", "item_id", "reorganisation_id", name="uq_reroutes_item"),
    )
    op.create_index("ix_reroutes_item", "reroutes", ["item_id"])


def downgrade():
    op.drop_index("ix_reroutes_item", table_name="reroutes")
    op.drop_table("reroutes")
    drop_org_unit_paths(op)
