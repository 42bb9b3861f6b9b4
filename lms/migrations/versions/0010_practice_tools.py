"""The practice tools: pre-check settings, saved practice drafts, purpose self-assessments.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # New tables only: nothing that exists changes.
    op.create_table(
        "precheck_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_yaml", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["employees.id"],
            name=op.f("fk_precheck_settings_updated_by_id_employees"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_precheck_settings")),
    )
    op.create_table(
        "practice_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("rules", sa.String(length=400), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employees.id"], name=op.f("fk_practice_drafts_employee_id_employees")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_drafts")),
    )
    op.create_index(op.f("ix_practice_drafts_employee_id"), "practice_drafts", ["employee_id"])
    op.create_table(
        "purpose_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.Column("business", sa.Integer(), nullable=False),
        sa.Column("community", sa.Integer(), nullable=False),
        sa.Column("learning", sa.Integer(), nullable=False),
        sa.Column("job_seeking", sa.Integer(), nullable=False),
        sa.Column("vanity", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "business + community + learning + job_seeking + vanity = 10",
            name=op.f("ck_purpose_assessments_ten_points"),
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_purpose_assessments_employee_id_employees"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purpose_assessments")),
    )
    op.create_index(
        op.f("ix_purpose_assessments_employee_id"), "purpose_assessments", ["employee_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_purpose_assessments_employee_id"), table_name="purpose_assessments")
    op.drop_table("purpose_assessments")
    op.drop_index(op.f("ix_practice_drafts_employee_id"), table_name="practice_drafts")
    op.drop_table("practice_drafts")
    op.drop_table("precheck_settings")
