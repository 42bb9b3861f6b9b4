"""What a person does with a course: enrollments, lessons done, acknowledgements."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms import clock
from lms.db import Base, intpk


class Enrollment(Base):
    """One person taking one course (one row per recertification cycle)."""

    __tablename__ = "enrollments"
    __table_args__ = (
        UniqueConstraint("employee_id", "course_id", "cycle"),
        # Everything a report needs to tell a person's latest cycle and its status (and
        # which row it is), so counting a manager's line and choosing the page of rows to
        # show read this index alone, never the rows themselves.
        Index(
            "ix_enrollments_progress",
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
        ),
    )

    id: Mapped[intpk]
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    # Fixed when the person starts: they finish the version they started.
    version_id: Mapped[int | None] = mapped_column(ForeignKey("course_versions.id"))
    cycle: Mapped[int] = mapped_column(default=1)
    # "assigned" by a rule, "self" (chosen from the catalogue) or "manual" (HR, for one
    # person): the sync only ever changes "assigned" ones.
    source: Mapped[str] = mapped_column(String(20), default="assigned")
    assigned_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    score: Mapped[int | None]  # of the passing attempt, kept with the completion
    # Set when no rule assigns the course any more: kept for history, no longer due.
    withdrawn_at: Mapped[datetime | None]
    # How often the rules covering this person renew the course; a certificate issued for
    # this cycle is valid for that long. Kept up to date by the sync while the cycle is open.
    recertify_months: Mapped[int | None]
    # HR excused the person: no longer due, never overdue, left alone by the sync.
    exempted_at: Mapped[datetime | None]
    # HR recorded a completion done elsewhere (completed_at holds when it happened).
    completion_recorded_at: Mapped[datetime | None]
    # Why HR exempted, recorded a completion or changed the enrollment by hand.
    reason: Mapped[str | None] = mapped_column(String(500))
    # Any change to the row, so API clients can fetch only what changed (updated_since).
    # Statuses that change with time alone (overdue) do not move it.
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now, index=True)


class LessonProgress(Base):
    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("enrollment_id", "lesson_id"),)

    id: Mapped[intpk]
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"))
    completed_at: Mapped[datetime]


class Attestation(Base):
    """Someone confirmed they read a guideline version and will follow it."""

    __tablename__ = "attestations"
    __table_args__ = (UniqueConstraint("employee_id", "version_id"),)

    id: Mapped[intpk]
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id"))
    acknowledged_at: Mapped[datetime]
    ip_address: Mapped[str | None] = mapped_column(String(45))


class QuizAttempt(Base):
    """One try at a course version's final quiz; the questions drawn are stored with it."""

    __tablename__ = "quiz_attempts"
    # The backstop against two attempts started at once going past the limit.
    __table_args__ = (UniqueConstraint("enrollment_id", "version_id", "number"),)

    id: Mapped[intpk]
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id"))
    number: Mapped[int]
    started_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    score: Mapped[int | None]  # percent, set on submission by the server alone
    passed: Mapped[bool | None]

    questions: Mapped[list[AttemptQuestion]] = relationship(
        order_by="AttemptQuestion.position", cascade="all, delete-orphan"
    )


class AttemptQuestion(Base):
    """A question as drawn for an attempt: its place and the order its choices are shown in."""

    __tablename__ = "attempt_questions"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[intpk]
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    position: Mapped[int]
    choice_order: Mapped[str] = mapped_column(String(500))  # choice ids, comma-separated
    is_correct: Mapped[bool | None]  # set on submission


class AttemptAnswer(Base):
    """One choice a person selected in an attempt."""

    __tablename__ = "attempt_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "choice_id"),)

    id: Mapped[intpk]
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    choice_id: Mapped[int] = mapped_column(ForeignKey("choices.id"))


class Certificate(Base):
    """Proof of a completion, checkable by anyone who has its code."""

    __tablename__ = "certificates"

    id: Mapped[intpk]
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"), unique=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    issued_at: Mapped[datetime]
    # For a course that recertifies: completion plus the recertification period.
    valid_until: Mapped[datetime | None]
