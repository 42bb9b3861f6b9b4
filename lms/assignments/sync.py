"""Rules into enrollments: one enrollment per person, course and cycle, made idempotently.

`sync_assignments` can run any number of times: it assigns what the rules ask for and is
missing, starts a new cycle when a completion is due for recertification (or, for the
guideline, when a version asks everyone to acknowledge it again), and withdraws
(never deletes) open enrollments that no rule asks for any more. Completions stay as they are.
What HR decided for one person is left alone: an exemption is never withdrawn, reinstated or
renewed, and a "manual" enrollment (assigned or withdrawn by HR) is never withdrawn or
reinstated. A completion recorded by HR counts as a completion, so it is renewed in time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, insert, select, update
from sqlalchemy.orm import Session

from lms import clock
from lms.assignments.audience import audience
from lms.assignments.models import AssignmentRule
from lms.clock import add_months
from lms.db import serialize
from lms.learning.guideline import published_guideline_versions, still_valid
from lms.learning.models import Attestation, Enrollment
from lms.people.models import Employee

log = logging.getLogger(__name__)
INSERT_BATCH = 5000  # new enrollments written at a time, so memory stays flat as they grow


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


def sync_assignments(session: Session, people: Select[tuple[int]] | None = None) -> SyncSummary:
    """Make enrollments match the active rules (idempotent; see the module's docstring).

    `people` (a query of employee ids) limits the work to them, when only they changed: one
    person provisioned over SCIM need not cost a pass over the whole organisation.
    It reads plain rows and writes with bulk statements rather than loading every enrollment
    as an object: at 100,000 people that is the difference between seconds and minutes.
    """
    serialize(session, "assignment sync")
    session.flush()
    now = clock.now()
    wanted: dict[tuple[int, int], _Wanted] = {}
    for rule in session.scalars(select(AssignmentRule).where(AssignmentRule.is_active)):
        alone = _stricter(None, rule)  # shared by everyone only this rule covers
        covered = audience(rule)
        if people is not None:
            covered = covered.where(Employee.id.in_(people))
        for employee_id in session.scalars(covered):
            key = (employee_id, rule.course_id)
            known = wanted.get(key)
            wanted[key] = alone if known is None else _stricter(known, rule)
    latest = {
        (row.employee_id, row.course_id): row for row in session.execute(_latest_cycles(people))
    }
    outdated, acknowledged = _outdated_guideline(session)
    hire_dates = select(Employee.id, Employee.hire_date)
    if people is not None:
        hire_dates = hire_dates.where(Employee.id.in_(people))
    hired = dict(session.execute(hire_dates).all())
    new: list[dict[str, Any]] = []
    reinstate: list[int] = []
    withdraw: list[int] = []
    renewal_periods: list[dict[str, Any]] = []
    recertified = created = 0
    for (employee_id, course_id), want in wanted.items():
        current = latest.get((employee_id, course_id))
        if len(new) >= INSERT_BATCH:
            created += _insert(session, new)
        if current is None:
            due = _due(now, hired.get(employee_id), want)
            new.append(_enrollment(employee_id, course_id, 1, now, due, want))
        elif current.completed_at is None and current.exempted_at is not None:
            continue  # HR excused this person: nothing to assign, renew or take back
        elif (
            current.completed_at is not None
            and want.recertify_months
            and add_months(current.completed_at, want.recertify_months) <= now
        ):
            due = now + timedelta(days=want.due_days)
            new.append(_enrollment(employee_id, course_id, current.cycle + 1, now, due, want))
            recertified += 1
        elif (
            current.completed_at is not None
            and current.version_id in outdated
            and employee_id not in acknowledged
        ):
            # A guideline version asked everyone again: their completion no longer counts.
            due = now + timedelta(days=want.due_days)
            new.append(_enrollment(employee_id, course_id, current.cycle + 1, now, due, want))
            recertified += 1
        elif (
            current.withdrawn_at is not None
            and current.completed_at is None
            and current.source != "manual"
        ):
            reinstate.append(current.id)
    reinstated = set(reinstate)
    for key, enrollment in latest.items():
        closed = enrollment.withdrawn_at is not None and enrollment.id not in reinstated
        if enrollment.completed_at is not None or closed:
            continue
        want = wanted.get(key)
        if want is None and enrollment.source == "assigned" and enrollment.exempted_at is None:
            withdraw.append(enrollment.id)
            continue
        # An open cycle renews as often as the rules covering the person now say, so its
        # certificate gets the right "valid until" date.
        months = want.recertify_months if want is not None else None
        if enrollment.recertify_months != months:
            renewal_periods.append({"id": enrollment.id, "recertify_months": months})
    created += _insert(session, new)
    _update(session, reinstate, withdraw, renewal_periods, now)
    summary = SyncSummary(created - recertified, recertified, len(reinstate), len(withdraw))
    log.info("assignments synced: %s", summary)
    return summary


def _outdated_guideline(session: Session) -> tuple[set[int], set[int]]:
    """The guideline versions whose acknowledgement no longer counts (a later one asked
    everyone again), and who holds an acknowledgement that still counts."""
    versions = published_guideline_versions(session, with_content=False)
    valid = {version.id for version in still_valid(versions)}
    outdated = {version.id for version in versions if version.id not in valid}
    if not outdated:
        return set(), set()
    acknowledged = session.scalars(
        select(Attestation.employee_id).where(Attestation.version_id.in_(valid)).distinct()
    )
    return outdated, set(acknowledged)


def _latest_cycles(people: Select[tuple[int]] | None) -> Select[Any]:
    """Each person's newest enrollment per course, as plain rows with what the sync needs."""
    newest = select(
        Enrollment.employee_id, Enrollment.course_id, func.max(Enrollment.cycle).label("cycle")
    ).group_by(Enrollment.employee_id, Enrollment.course_id)
    if people is not None:
        newest = newest.where(Enrollment.employee_id.in_(people))
    newest = newest.subquery()
    return select(
        Enrollment.id,
        Enrollment.employee_id,
        Enrollment.course_id,
        Enrollment.cycle,
        Enrollment.source,
        Enrollment.version_id,
        Enrollment.completed_at,
        Enrollment.withdrawn_at,
        Enrollment.exempted_at,
        Enrollment.recertify_months,
    ).join(
        newest,
        (Enrollment.employee_id == newest.c.employee_id)
        & (Enrollment.course_id == newest.c.course_id)
        & (Enrollment.cycle == newest.c.cycle),
    )


def _insert(session: Session, rows: list[dict[str, Any]]) -> int:
    """Insert a batch of new enrollments and empty the list; how many there were."""
    count = len(rows)
    if rows:
        session.execute(insert(Enrollment), rows)
        rows.clear()
    return count


def _update(
    session: Session,
    reinstate: list[int],
    withdraw: list[int],
    renewal_periods: list[dict[str, Any]],
    now: datetime,
) -> None:
    """Apply the sync's changes to existing enrollments in a few bulk statements."""
    for ids, withdrawn_at in ((reinstate, None), (withdraw, now)):
        if ids:
            session.execute(
                update(Enrollment), [{"id": i, "withdrawn_at": withdrawn_at} for i in ids]
            )
    if renewal_periods:
        session.execute(update(Enrollment), renewal_periods)
    # Bulk statements bypass the objects this session may hold: load them afresh when used.
    for held in list(session.identity_map.values()):
        if isinstance(held, Enrollment):
            session.expire(held)


def sync_after_import(session: Session, people: Select[tuple[int]] | None = None) -> str:
    """The follow-up to a people import: new hires and movers get their courses at once."""
    return f"Assignments synced: {sync_assignments(session, people)}."


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
) -> dict[str, Any]:
    return {
        "employee_id": employee_id,
        "course_id": course_id,
        "cycle": cycle,
        "source": "assigned",
        "assigned_at": now,
        "due_at": due,
        "recertify_months": want.recertify_months,
    }
