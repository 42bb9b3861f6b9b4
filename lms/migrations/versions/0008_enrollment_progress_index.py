"""An index that covers what the reports read of each enrollment.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 09:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMNS = [
    "employee_id",
    "course_id",
    "cycle",
    "withdrawn_at",
    "completed_at",
    "completion_recorded_at",
    "exempted_at",
    "due_at",
    "started_at",
    "id",
]


def upgrade() -> None:
    # Only an index: existing rows and every other table stay as they are.
    op.create_index("ix_enrollments_progress", "enrollments", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_enrollments_progress", table_name="enrollments")
