"""Course translations: a version's title and summary, its lessons' and questions' words.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "version_translations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "version_id",
            sa.Integer(),
            sa.ForeignKey("course_versions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_version_translations")),
        sa.UniqueConstraint(
            "version_id", "language", name=op.f("uq_version_translations_version_id_language")
        ),
    )
    op.create_index("ix_version_translations_version_id", "version_translations", ["version_id"])
    op.create_table(
        "lesson_translations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "lesson_id",
            sa.Integer(),
            sa.ForeignKey("lessons.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body_markdown", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("source_digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson_translations")),
        sa.UniqueConstraint(
            "lesson_id", "language", name=op.f("uq_lesson_translations_lesson_id_language")
        ),
    )
    op.create_index("ix_lesson_translations_lesson_id", "lesson_translations", ["lesson_id"])
    op.create_table(
        "question_translations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "question_id",
            sa.Integer(),
            sa.ForeignKey("questions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=True),
        sa.Column("post", sa.Text(), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("source_digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_translations")),
        sa.UniqueConstraint(
            "question_id", "language", name=op.f("uq_question_translations_question_id_language")
        ),
    )
    op.create_index(
        "ix_question_translations_question_id", "question_translations", ["question_id"]
    )


def downgrade() -> None:
    op.drop_table("question_translations")
    op.drop_table("lesson_translations")
    op.drop_table("version_translations")
