"""Rules into enrollments: one enrollment per person, course and cycle, made idempotently.

`sync_assignments` can run any number of times: it assigns what the rules ask for and is
missing, starts a new cycle when a completion is due for recertification, and withdraws
(never deletes) open enrollments that no rule asks for any more. Completions stay as they are.
What HR decided for one person is left alone: an exemption is never withdrawn, reinstated or
renewed, and a "manual" enrollment (assigned or withdrawn by HR) is never withdrawn or
reinstated. A completion recorded by HR counts as a completion, so it is renewed in time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import clock
from lms.assignments.audience import audience
from lms.assignments.models import AssignmentRule
from lms.clock import add_months
from lms.db import serialize
from lms.learning.models import Enrollment
from lms.people.models import Employee

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncSummary:
    assigned: int = 0
    recertified: int = 0
    reinstated: int = 0
    withdrawn: int = 0

    @property
    def created(self) -> int:
        """New enrollments: first assignments plus new recertification cycles."""
        return self.assigned + self.recertified

    def __str__(self) -> str:
        noun = "enrollment" if self.created == 1 else "enrollments"
        return (
            f"created {self.created} {noun} ({self.assigned} new, {self.recertified} renewed), "
            f"reinstated {self.reinstated}, withdrawn {self.withdrawn}"
        )


@dataclass(frozen=True)
class _Wanted:
    due_days: int
    recertify_months: int | None
    rule_created: datetime


def sync_assignments(session: Session) -> SyncSummary:
    """Make enrollments match the active rules (idempotent; see the module's docstring)."""
    serialize(session, "assignment sync")
    now = clock.now()
    wanted: dict[tuple[int, int], _Wanted] = {}
    for rule in session.scalars(select(AssignmentRule).where(AssignmentRule.is_active)):
        for employee_id in session.scalars(audience(rule)):
            key = (employee_id, rule.course_id)
            wanted[key] = _stricter(wanted.get(key), rule)
    latest: dict[tuple[int, int], Enrollment] = {}
    for enrollment in session.scalars(select(Enrollment).order_by(Enrollment.cycle)):
        latest[(enrollment.employee_id, enrollment.course_id)] = enrollment
    hired = dict(session.execute(select(Employee.id, Employee.hire_date)).all())
    counts = {"assigned": 0, "recertified": 0, "reinstated": 0, "withdrawn": 0}
    for (employee_id, course_id), want in wanted.items():
        current = latest.get((employee_id, course_id))
        if current is None:
            due = _due(now, hired.get(employee_id), want)
            session.add(_enrollment(employee_id, course_id, 1, now, due, want))
            counts["assigned"] += 1
        elif current.completed_at is None and current.exempted_at is not None:
            continue  # HR excused this person: nothing to assign, renew or take back
        elif (
            current.completed_at is not None
            and want.recertify_months
            and add_months(current.completed_at, want.recertify_months) <= now
        ):
            due = now + timedelta(days=want.due_days)
            session.add(_enrollment(employee_id, course_id, current.cycle + 1, now, due, want))
            counts["recertified"] += 1
        elif (
            current.withdrawn_at is not None
            and current.completed_at is None
            and current.source != "manual"
        ):
            current.withdrawn_at = None
            counts["reinstated"] += 1
    for key, enrollment in latest.items():
        if enrollment.completed_at is not None or enrollment.withdrawn_at is not None:
            continue
        want = wanted.get(key)
        if want is None and enrollment.source == "assigned" and enrollment.exempted_at is None:
            enrollment.withdrawn_at = now
            counts["withdrawn"] += 1
            continue
        # An open cycle renews as often as the rules covering the person now say, so its
        # certificate gets the right "valid until" date.
        months = want.recertify_months if want is not None else None
        if enrollment.recertify_months != months:
            enrollment.recertify_months = months
    session.flush()
    summary = SyncSummary(**counts)
    log.info("assignments synced: %s", summary)
    return summary


def sync_after_import(session: Session) -> str:
    """The follow-up to a people import: new hires and movers get their courses at once."""
    return f"Assignments synced: {sync_assignments(session)}."


def _stricter(known: _Wanted | None, rule: AssignmentRule) -> _Wanted:
    """Where two rules assign one course, the shorter due period and recertification win."""
    if known is None:
        return _Wanted(rule.due_days, rule.recertify_months, rule.created_at)
    months = [m for m in (known.recertify_months, rule.recertify_months) if m]
    return _Wanted(
        min(known.due_days, rule.due_days),
        min(months) if months else None,
        min(known.rule_created, rule.created_at),
    )


def _due(now: datetime, hire_date: date | None, want: _Wanted) -> datetime:
    """Due N days from assignment; for someone hired after the rule, N days from the hire date."""
    if hire_date is not None and hire_date >= want.rule_created.date():
        return datetime.combine(hire_date, time(), tzinfo=now.tzinfo) + timedelta(
            days=want.due_days
        )
    return now + timedelta(days=want.due_days)


def _enrollment(
    employee_id: int, course_id: int, cycle: int, now: datetime, due: datetime, want: _Wanted
) -> Enrollment:
    return Enrollment(
        employee_id=employee_id,
        course_id=course_id,
        cycle=cycle,
        assigned_at=now,
        due_at=due,
        recertify_months=want.recertify_months,
    )
