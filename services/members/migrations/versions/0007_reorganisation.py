"""members: reorganisation of units (merges and splits) — earlier paths of moved units, applied operations

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from alembic import op

from servicekit.orgunits import org_unit_paths_columns

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("org_unit_paths", *org_unit_paths_columns())
    op.create_index(
        "ix_org_unit_paths_path_prefix", "org_unit_paths", ["path"], postgresql_ops={"path": "text_pattern_ops"}
    )


def downgrade():
    op.drop_index("ix_org_unit_paths_path_prefix", table_name="org_unit_paths")
    op.drop_table("org_unit_paths")
