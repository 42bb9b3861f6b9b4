"""Assignment rules, and enrollments withdrawn when no rule assigns them any more.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 07:31:51.500664
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assignment_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=20), nullable=False),
        sa.Column("audience_values", sa.JSON(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("due_days", sa.Integer(), nullable=False),
        sa.Column("recertify_months", sa.Integer(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_assignment_rules_course_id_courses")
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["employees.id"], name=op.f("fk_assignment_rules_manager_id_employees")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_rules")),
    )
    with op.batch_alter_table("assignment_rules", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assignment_rules_course_id"), ["course_id"], unique=False
        )

    # In place (no table copy): rows that refer to enrollments stay untouched.
    op.add_column("enrollments", sa.Column("withdrawn_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_at")

    with op.batch_alter_table("assignment_rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignment_rules_course_id"))

    op.drop_table("assignment_rules")
