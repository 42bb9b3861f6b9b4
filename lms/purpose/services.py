"""Taking the self-assessment and a person's own history (HR's figures: `snapshots`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import clock
from lms.messages import N_, Message
from lms.purpose.models import PurposeAssessment
from lms.purpose.profiles import KEYS, POINTS


class SplitRefused(ValueError):
    """The points do not add up to 10 (or one is out of range); `message` says how."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


def check_split(split: dict[str, int]) -> None:
    if set(split) != set(KEYS) or any(not 0 <= split[key] <= POINTS for key in KEYS):
        raise SplitRefused(N_("Give each purpose between 0 and %(most)d points.", most=POINTS))
    total = sum(split.values())
    if total != POINTS:
        values = {"total": total, "points": POINTS, "difference": abs(total - POINTS)}
        raise SplitRefused(
            N_(
                "Your points add up to %(total)d: share exactly %(points)d between the five "
                "purposes (take away %(difference)d).",
                **values,
            )
            if total > POINTS
            else N_(
                "Your points add up to %(total)d: share exactly %(points)d between the five "
                "purposes (add %(difference)d).",
                **values,
            )
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
