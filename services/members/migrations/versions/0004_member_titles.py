"""members: learning titles of members, from the evaluations service's evaluation_completed

Revision ID: 0004
Revises: 0005 (after the import jobs migration, so the tree keeps one head)
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "member_titles",
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("title_type", sa.String(length=30), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("evaluation_id", sa.Uuid(), nullable=False),
        sa.Column("decision_reference", sa.String(length=100), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("member_id", "title_type", "year"),
    )


def downgrade():
    op.drop_table("member_titles")
