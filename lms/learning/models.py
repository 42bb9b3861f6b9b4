"""What a person does with a course: enrollments, lessons done, acknowledgements."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, intpk


class Enrollment(Base):
    """One person taking one course (one row per recertification cycle)."""

    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("employee_id", "course_id", "cycle"),)

    id: Mapped[intpk]
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    # Fixed when the person starts: they finish the version they started.
    version_id: Mapped[int | None] = mapped_column(ForeignKey("course_versions.id"))
    cycle: Mapped[int] = mapped_column(default=1)
    source: Mapped[str] = mapped_column(String(20), default="assigned")  # or "self"
    assigned_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]


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
