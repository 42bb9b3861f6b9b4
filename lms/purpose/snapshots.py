"""HR's figures of the purpose self-assessment: frozen per quarter, safe against differencing.

Why not live averages: a live average of a department of 6, read again after one of them
moves to another department, gives the mover's answers away (6 times the first average
minus 5 times the second). The mover's new department gives them away a second time, and so does
reading again after one person retakes the self-assessment.

The design, in three rules:

1. **Frozen per quarter.** Figures are computed only once a calendar quarter (UTC) has
   closed, from each active person's latest answer taken before the quarter ended, with
   each person in the department they are in at that moment. Once published a quarter's
   figures never change, so moving people or retaking within or after a quarter changes
   nothing anyone can read until the next quarter closes.
2. **Groups of at least 5.** A figure covers at least `SMALLEST_GROUP` people.
3. **No one singled out, however figures are combined.** Between quarters the same risk
   comes back (a group of 6 in Q1, the same 5 in Q2), and with more than two figures it
   can hide (a department of 11 in Q1; in Q2 two teams of 5 and the eleventh elsewhere).
   So each figure keeps the answers it was computed from, and a candidate figure is
   published only if, together with every figure published before (all quarters) and the
   ones already accepted for this quarter, no combination of sums and differences
   isolates one person's answers or the change between two of their answers
   (`lms.purpose.disclosure.singles_out`, exact arithmetic); it also refuses a figure
   whose combinations with the others leave a group of fewer than 5 on its own, such as
   "Everyone" minus the only department shown. The candidates are each
   department, then the small departments together, then everyone; one that fails is
   left out of this quarter and the page says how many were.

What it does not hide: that a figure of 5 people who all gave the same answer shows that
answer for each of them; that is the minimum group size's own limit, as in any survey.
Counts of people are shown; they say how many answered, never who.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from lms import clock
from lms.db import serialize
from lms.people.models import Employee
from lms.purpose.disclosure import singles_out
from lms.purpose.models import (
    PurposeAssessment,
    PurposeFigure,
    PurposeFigureMember,
    PurposePeriod,
)
from lms.purpose.profiles import KEYS

log = logging.getLogger(__name__)

SMALLEST_GROUP = 5  # a figure covers at least this many people
NO_DEPARTMENT = "No department"
SMALL_TOGETHER = "Other departments together"
EVERYONE = "Everyone"


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter in UTC: [starts_at, ends_at)."""

    starts_at: datetime
    ends_at: datetime

    @property
    def key(self) -> str:
        return f"{self.starts_at.year}-Q{(self.starts_at.month - 1) // 3 + 1}"

    @property
    def name(self) -> str:
        """In words: "January to March 2026"."""
        last = clock.add_months(self.starts_at, 2)
        return f"{self.starts_at:%B} to {last:%B %Y}"


def quarter_of(moment: datetime) -> Quarter:
    """The quarter a moment falls in."""
    start = datetime(moment.year, (moment.month - 1) // 3 * 3 + 1, 1, tzinfo=UTC)
    return Quarter(start, clock.add_months(start, 3))


def last_closed(moment: datetime) -> Quarter:
    """The quarter before the one a moment falls in."""
    current = quarter_of(moment)
    return Quarter(clock.add_months(current.starts_at, -3), current.starts_at)


@dataclass(frozen=True)
class Figure:
    """One published group: how many people, and the average points of each purpose."""

    label: str
    people: int
    averages: dict[str, float]


@dataclass(frozen=True)
class Report:
    """The latest published quarter (None before the first one closes) and its figures."""

    quarter: Quarter | None
    figures: list[Figure]
    left_out: int  # departments with answers that have no figure of their own
    next_publication: datetime  # when the quarter under way closes


def report(session: Session) -> Report:
    """The figures of the latest published quarter; two queries."""
    period = session.scalar(select(PurposePeriod).order_by(PurposePeriod.starts_at.desc()).limit(1))
    upcoming = quarter_of(clock.now()).ends_at
    if period is None:
        return Report(None, [], 0, upcoming)
    figures = session.scalars(
        select(PurposeFigure)
        .where(PurposeFigure.period_id == period.id)
        .order_by(PurposeFigure.position)
    )
    return Report(
        Quarter(period.starts_at, period.ends_at),
        [Figure(f.label, f.people, {k: getattr(f, k) / f.people for k in KEYS}) for f in figures],
        period.left_out,
        upcoming,
    )


def due(session: Session) -> Quarter | None:
    """The closed quarter still to publish, if any (none once a later one is published)."""
    closed = last_closed(clock.now())
    newer = session.scalar(
        select(PurposePeriod.id).where(PurposePeriod.starts_at >= closed.starts_at).limit(1)
    )
    return None if newer is not None else closed


def publish(session: Session, quarter: Quarter) -> PurposePeriod | None:
    """Freeze a closed quarter's figures (see the module's docstring); None if it was
    published meanwhile. Call it at the start of a transaction: it takes the writer's lock.
    """
    serialize(session, "purpose figures")
    if session.scalar(select(PurposePeriod.id).where(PurposePeriod.key == quarter.key)):
        return None
    answers = _answers(session, quarter)
    published, owner = _published(session)
    owner.update({answer: row[0] for answer, row in answers.items()})
    accepted = list(published)
    shown: list[tuple[str, set[int]]] = []
    for label, members in _candidates(answers):
        if len(members) < SMALLEST_GROUP or any(members == same for _, same in shown):
            continue  # too small, or the same people as a figure already shown
        if not singles_out([*accepted, members], owner, SMALLEST_GROUP):
            accepted.append(members)
            shown.append((label, members))
    departments = {row[1] for row in answers.values()}
    own_rows = sum(1 for label, _ in shown if label not in (SMALL_TOGETHER, EVERYONE))
    period = PurposePeriod(
        key=quarter.key,
        starts_at=quarter.starts_at,
        ends_at=quarter.ends_at,
        published_at=clock.now(),
        left_out=len(departments) - own_rows,
    )
    session.add(period)
    session.flush()
    rows = [
        {
            "period_id": period.id,
            "position": position,
            "label": label,
            "people": len(members),
            **{key: sum(answers[a][2][i] for a in members) for i, key in enumerate(KEYS)},
        }
        for position, (label, members) in enumerate(shown)
    ]
    if rows:  # one statement each however many figures: plain inserts, then read back
        session.execute(insert(PurposeFigure), rows)
    ids = session.scalars(
        select(PurposeFigure.id)
        .where(PurposeFigure.period_id == period.id)
        .order_by(PurposeFigure.position)
    ).all()
    links = [
        {"figure_id": figure_id, "assessment_id": answer}
        for figure_id, (_label, members) in zip(ids, shown, strict=True)
        for answer in sorted(members)
    ]
    if links:
        session.execute(insert(PurposeFigureMember), links)
    log.info(
        "purpose figures for %s published: %d shown, %d departments left out",
        quarter.key,
        len(rows),
        period.left_out,
    )
    return period


Answer = tuple[int, str, tuple[int, ...]]  # employee id, department, points per purpose


def _answers(session: Session, quarter: Quarter) -> dict[int, Answer]:
    """Each active person's latest answer taken before the quarter ended, by answer id."""
    latest = (
        select(func.max(PurposeAssessment.id).label("id"))
        .where(PurposeAssessment.taken_at < quarter.ends_at)
        .group_by(PurposeAssessment.employee_id)
        .subquery()
    )
    rows = session.execute(
        select(
            PurposeAssessment.id,
            PurposeAssessment.employee_id,
            Employee.department,
            *(getattr(PurposeAssessment, key) for key in KEYS),
        )
        .join(latest, latest.c.id == PurposeAssessment.id)
        .join(Employee, Employee.id == PurposeAssessment.employee_id)
        .where(Employee.is_active)
    )
    return {
        answer: (employee, department or NO_DEPARTMENT, tuple(points))
        for answer, employee, department, *points in rows
    }


def _published(session: Session) -> tuple[list[set[int]], dict[int, int]]:
    """The answers of every figure published so far, and whose each answer is."""
    members: dict[int, set[int]] = defaultdict(set)
    owner: dict[int, int] = {}
    for figure, answer, employee in session.execute(
        select(
            PurposeFigureMember.figure_id,
            PurposeFigureMember.assessment_id,
            PurposeAssessment.employee_id,
        ).join(PurposeAssessment, PurposeAssessment.id == PurposeFigureMember.assessment_id)
    ):
        members[figure].add(answer)
        owner[answer] = employee
    return [members[figure] for figure in sorted(members)], owner


def _candidates(answers: dict[int, Answer]) -> list[tuple[str, set[int]]]:
    """Each department, then the small ones together, then everyone: the order tried."""
    by_department: dict[str, set[int]] = defaultdict(set)
    for answer, (_employee, department, _points) in answers.items():
        by_department[department].add(answer)
    candidates = [(name, by_department[name]) for name in sorted(by_department)]
    small = {
        answer
        for _name, members in candidates
        if len(members) < SMALLEST_GROUP
        for answer in members
    }
    return [*candidates, (SMALL_TOGETHER, small), (EVERYONE, set(answers))]
