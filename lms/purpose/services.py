"""Taking the self-assessment and a person's own history (HR's figures: `snapshots`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import clock
from lms.purpose.models import PurposeAssessment
from lms.purpose.profiles import KEYS, POINTS


class SplitRefused(ValueError):
    """The points do not add up to 10 (or one is out of range); the message says how."""


def check_split(split: dict[str, int]) -> None:
    if set(split) != set(KEYS) or any(not 0 <= split[key] <= POINTS for key in KEYS):
        raise SplitRefused(f"Give each purpose between 0 and {POINTS} points.")
    total = sum(split.values())
    if total != POINTS:
        raise SplitRefused(
            f"Your points add up to {total}: share exactly {POINTS} between the five purposes "
            f"({'take away' if total > POINTS else 'add'} {abs(total - POINTS)})."
        )


def record(session: Session, employee_id: int, split: dict[str, int]) -> PurposeAssessment:
    """Keep a new split for this person (their earlier ones stay, to show the change)."""
    check_split(split)
    assessment = PurposeAssessment(employee_id=employee_id, taken_at=clock.now(), **split)
    session.add(assessment)
    session.flush()
    return assessment


def history(session: Session, employee_id: int, limit: int = 20) -> list[PurposeAssessment]:
    """A person's own splits, newest first."""
    return list(
        session.scalars(
            select(PurposeAssessment)
            .where(PurposeAssessment.employee_id == employee_id)
            .order_by(PurposeAssessment.taken_at.desc(), PurposeAssessment.id.desc())
            .limit(limit)
        )
    )


def split_of(assessment: PurposeAssessment) -> dict[str, int]:
    return {key: getattr(assessment, key) for key in KEYS}
