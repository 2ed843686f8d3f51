"""members: an index that gives each unit's members in name order (the subtree listing merges them)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_members_path_name",
        "members",
        ["unit_path", "name_folded", "id"],
        unique=False,
        postgresql_ops={"unit_path": "text_pattern_ops"},
    )


def downgrade():
    op.drop_index("ix_members_path_name", table_name="members")
