"""funds: reorganisation of units — earlier paths of moved units, the fund a closed unit's fund merged into

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
    op.add_column("funds", sa.Column("merged_into_id", sa.Uuid(), nullable=True))


def downgrade():
    op.drop_column("funds", "merged_into_id")
    drop_org_unit_paths(op)
