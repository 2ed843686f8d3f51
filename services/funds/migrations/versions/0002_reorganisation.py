"""funds: reorganisation of units — earlier paths of moved units, the fund a closed unit's fund merged into

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from servicekit.orgunits import org_unit_paths_columns

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("org_unit_paths", *org_unit_paths_columns())
    op.create_index(
        "ix_org_unit_paths_path_prefix", "org_unit_paths", ["path"], postgresql_ops={"path": "text_pattern_ops"}
    )
    op.add_column("funds", sa.Column("merged_into_id", sa.Uuid(), nullable=True))


def downgrade():
    op.drop_column("funds", "merged_into_id")
    op.drop_index("ix_org_unit_paths_path_prefix", table_name="org_unit_paths")
    op.drop_table("org_unit_paths")
