"""Quiz attempts with the questions drawn and the answers given; certificates; the score kept
with a completion.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 07:02:15.448162
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["enrollments.id"],
            name=op.f("fk_certificates_enrollment_id_enrollments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("code", name=op.f("uq_certificates_code")),
        sa.UniqueConstraint("enrollment_id", name=op.f("uq_certificates_enrollment_id")),
    )
    op.create_table(
        "quiz_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrollment_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["enrollments.id"],
            name=op.f("fk_quiz_attempts_enrollment_id_enrollments"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["course_versions.id"],
            name=op.f("fk_quiz_attempts_version_id_course_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_attempts")),
        sa.UniqueConstraint(
            "enrollment_id",
            "version_id",
            "number",
            name=op.f("uq_quiz_attempts_enrollment_id_version_id_number"),
        ),
    )
    with op.batch_alter_table("quiz_attempts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quiz_attempts_enrollment_id"), ["enrollment_id"], unique=False
        )

    op.create_table(
        "attempt_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("choice_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["quiz_attempts.id"],
            name=op.f("fk_attempt_answers_attempt_id_quiz_attempts"),
        ),
        sa.ForeignKeyConstraint(
            ["choice_id"], ["choices.id"], name=op.f("fk_attempt_answers_choice_id_choices")
        ),
        sa.ForeignKeyConstraint(
            ["question_id"], ["questions.id"], name=op.f("fk_attempt_answers_question_id_questions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attempt_answers")),
        sa.UniqueConstraint(
            "attempt_id", "choice_id", name=op.f("uq_attempt_answers_attempt_id_choice_id")
        ),
    )
    with op.batch_alter_table("attempt_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attempt_answers_attempt_id"), ["attempt_id"], unique=False
        )

    op.create_table(
        "attempt_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("choice_order", sa.String(length=500), nullable=False),
        sa.Column("is_correct", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["quiz_attempts.id"],
            name=op.f("fk_attempt_questions_attempt_id_quiz_attempts"),
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_attempt_questions_question_id_questions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attempt_questions")),
        sa.UniqueConstraint(
            "attempt_id", "question_id", name=op.f("uq_attempt_questions_attempt_id_question_id")
        ),
    )
    with op.batch_alter_table("attempt_questions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attempt_questions_attempt_id"), ["attempt_id"], unique=False
        )

    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("score", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.drop_column("score")

    with op.batch_alter_table("attempt_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attempt_questions_attempt_id"))

    op.drop_table("attempt_questions")
    with op.batch_alter_table("attempt_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attempt_answers_attempt_id"))

    op.drop_table("attempt_answers")
    with op.batch_alter_table("quiz_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quiz_attempts_enrollment_id"))

    op.drop_table("quiz_attempts")
    op.drop_table("certificates")
