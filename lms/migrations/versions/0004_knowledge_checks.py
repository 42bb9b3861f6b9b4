"""Knowledge checks: quiz questions that belong to a lesson rather than the final quiz.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 07:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (no table copy), so rows that refer to questions are untouched;
    # existing questions stay in their final quizzes.
    op.add_column(
        "questions",
        sa.Column("knowledge_check", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_column("knowledge_check")
