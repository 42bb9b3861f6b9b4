"""A person's split of 10 points across the five purposes, each time they take it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, intpk


class PurposeAssessment(Base):
    """Private to its author: only anonymous averages of groups of 5 or more leave it."""

    __tablename__ = "purpose_assessments"
    __table_args__ = (
        CheckConstraint(
            "business + community + learning + job_seeking + vanity = 10", name="ten_points"
        ),
    )

    id: Mapped[intpk]
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    taken_at: Mapped[datetime]
    business: Mapped[int]
    community: Mapped[int]
    learning: Mapped[int]
    job_seeking: Mapped[int]
    vanity: Mapped[int]
