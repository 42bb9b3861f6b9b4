"""The purpose self-assessment's quarterly figures: frozen per quarter, with their answers.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # New tables only: the answers already given stay as they are, and the first figures
    # are published when the quarter under way closes.
    op.create_table(
        "purpose_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=7), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("left_out", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purpose_periods")),
        sa.UniqueConstraint("key", name=op.f("uq_purpose_periods_key")),
    )
    op.create_table(
        "purpose_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("business", sa.Integer(), nullable=False),
        sa.Column("community", sa.Integer(), nullable=False),
        sa.Column("learning", sa.Integer(), nullable=False),
        sa.Column("job_seeking", sa.Integer(), nullable=False),
        sa.Column("vanity", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["purpose_periods.id"],
            name=op.f("fk_purpose_figures_period_id_purpose_periods"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purpose_figures")),
    )
    op.create_index(op.f("ix_purpose_figures_period_id"), "purpose_figures", ["period_id"])
    op.create_table(
        "purpose_figure_members",
        sa.Column("figure_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["figure_id"],
            ["purpose_figures.id"],
            name=op.f("fk_purpose_figure_members_figure_id_purpose_figures"),
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["purpose_assessments.id"],
            name=op.f("fk_purpose_figure_members_assessment_id_purpose_assessments"),
        ),
        sa.PrimaryKeyConstraint(
            "figure_id", "assessment_id", name=op.f("pk_purpose_figure_members")
        ),
    )


def downgrade() -> None:
    op.drop_table("purpose_figure_members")
    op.drop_index(op.f("ix_purpose_figures_period_id"), table_name="purpose_figures")
    op.drop_table("purpose_figures")
    op.drop_table("purpose_periods")
