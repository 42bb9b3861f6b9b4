"""A person's split of 10 points across the five purposes, and the quarterly figures HR sees.

The figures are frozen when a quarter closes (see `lms.purpose.snapshots`): a published figure
never changes, and each keeps the answers it was computed from, so the next quarter's figures
can be checked against it before they are shown.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, intpk, short_text


class PurposeAssessment(Base):
    """Private to its author: only anonymous figures of groups of 5 or more leave it."""

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


class PurposePeriod(Base):
    """One calendar quarter whose figures are published (once, when it has closed)."""

    __tablename__ = "purpose_periods"

    id: Mapped[intpk]
    key: Mapped[str] = mapped_column(String(7), unique=True)  # "2026-Q1"
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]  # exclusive: answers taken before this moment count
    published_at: Mapped[datetime]
    left_out: Mapped[int]  # groups with answers that are not shown


class PurposeFigure(Base):
    """One group's frozen totals in a period: the average is each total over `people`."""

    __tablename__ = "purpose_figures"

    id: Mapped[intpk]
    period_id: Mapped[int] = mapped_column(ForeignKey("purpose_periods.id"), index=True)
    position: Mapped[int]
    label: Mapped[short_text]
    people: Mapped[int]
    business: Mapped[int]
    community: Mapped[int]
    learning: Mapped[int]
    job_seeking: Mapped[int]
    vanity: Mapped[int]


class PurposeFigureMember(Base):
    """Which answers a published figure was computed from; never shown, used by the check."""

    __tablename__ = "purpose_figure_members"

    figure_id: Mapped[int] = mapped_column(ForeignKey("purpose_figures.id"), primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("purpose_assessments.id"), primary_key=True
    )
