"""Taking the self-assessment, a person's own history, and HR's anonymous averages."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms import clock
from lms.people.models import Employee
from lms.purpose.models import PurposeAssessment
from lms.purpose.profiles import KEYS, POINTS

SMALLEST_GROUP = 5  # averages are shown only for groups of at least this many people


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


@dataclass(frozen=True)
class GroupAverage:
    label: str
    people: int
    averages: dict[str, float]


@dataclass(frozen=True)
class Aggregate:
    everyone: GroupAverage | None  # None when fewer than SMALLEST_GROUP took it at all
    departments: list[GroupAverage]
    hidden_departments: int  # departments with people who took it, but too few to show


def department_averages(session: Session) -> Aggregate:
    """The average split of each department's active people (their latest split each),
    for departments where at least SMALLEST_GROUP people took it; nothing names a person."""
    latest = (
        select(
            PurposeAssessment.employee_id,
            func.max(PurposeAssessment.id).label("id"),
        )
        .group_by(PurposeAssessment.employee_id)
        .subquery()
    )
    columns = [func.avg(getattr(PurposeAssessment, key)) for key in KEYS]
    rows = session.execute(
        select(Employee.department, func.count(), *columns)
        .select_from(PurposeAssessment)
        .join(latest, latest.c.id == PurposeAssessment.id)
        .join(Employee, Employee.id == PurposeAssessment.employee_id)
        .where(Employee.is_active)
        .group_by(Employee.department)
        .order_by(Employee.department)
    ).all()
    groups = [
        GroupAverage(department or "No department", people, _averages(averages))
        for department, people, *averages in rows
    ]
    shown = [group for group in groups if group.people >= SMALLEST_GROUP]
    small = [group for group in groups if group.people < SMALLEST_GROUP]
    # Small departments together, when there are enough of them. Otherwise they are left
    # out of every figure, the overall average too: subtracting the departments shown
    # from it would give a small group's answers away.
    other = _pooled("Other departments together", small)
    if other is not None:
        shown.append(other)
    everyone = _pooled("Everyone shown here", shown)
    return Aggregate(everyone, shown, 0 if other else len(small))


def _averages(values: list[object]) -> dict[str, float]:
    return {key: float(value) for key, value in zip(KEYS, values, strict=True)}  # type: ignore[arg-type]


def _pooled(label: str, groups: list[GroupAverage]) -> GroupAverage | None:
    """One group's average from several, or None if it would hold fewer than 5 people."""
    people = sum(group.people for group in groups)
    if people < SMALLEST_GROUP:
        return None
    return GroupAverage(
        label,
        people,
        {key: sum(g.averages[key] * g.people for g in groups) / people for key in KEYS},
    )
