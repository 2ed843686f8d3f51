"""members: an index that lists a subtree in name order without sorting it

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_members_name_order", "members", ["name_folded", "id"], unique=False)


def downgrade():
    op.drop_index("ix_members_name_order", table_name="members")
