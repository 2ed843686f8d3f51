"""members: why a member left (a member who died cannot rejoin; reports count leavers by reason)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("left_reason", sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table("members") as batch:
        batch.drop_column("left_reason")
