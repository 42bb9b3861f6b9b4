"""Rules into enrollments: one enrollment per person, course and cycle, made idempotently.

`sync_assignments` can run any number of times: it assigns what the rules ask for and is
missing, starts a new cycle when a completion is due for recertification, and withdraws
(never deletes) open enrollments that no rule asks for any more. Completions stay as they are.
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from lms import clock
from lms.assignments.models import AUDIENCES, AssignmentRule
from lms.audit import services as audit
from lms.courses.models import Course
from lms.db import serialize
from lms.learning.models import Enrollment
from lms.people.models import Employee
from lms.people.org import reporting_line

log = logging.getLogger(__name__)


class RuleRejected(ValueError):
    """The rule cannot be saved; `reasons` maps form fields to plain messages."""

    def __init__(self, reasons: dict[str, str]) -> None:
        super().__init__("; ".join(reasons.values()))
        self.reasons = reasons


@dataclass(frozen=True)
class RuleSpec:
    course_slug: str
    audience: str
    audience_values: tuple[str, ...] = ()
    manager_email: str | None = None
    due_days: int = 30
    recertify_months: int | None = None


@dataclass(frozen=True)
class SyncSummary:
    assigned: int = 0
    recertified: int = 0
    reinstated: int = 0
    withdrawn: int = 0

    def __str__(self) -> str:
        return (
            f"assigned {self.assigned}, recertified {self.recertified}, "
            f"reinstated {self.reinstated}, withdrawn {self.withdrawn}"
        )


def create_rule(session: Session, spec: RuleSpec, *, actor_id: int | None) -> AssignmentRule:
    """Check and save a rule (audited); RuleRejected says what is wrong, field by field."""
    reasons: dict[str, str] = {}
    course = session.scalar(select(Course).where(Course.slug == spec.course_slug))
    if course is None:
        reasons["course"] = f"There is no course {spec.course_slug!r}."
    if spec.audience not in AUDIENCES:
        reasons["audience"] = f"Choose one of: {', '.join(AUDIENCES)}."
    if spec.audience in ("departments", "locations", "people") and not spec.audience_values:
        reasons["audience_values"] = f"Name at least one of the {spec.audience}."
    manager = None
    if spec.audience == "manager":
        email = (spec.manager_email or "").strip().lower()
        manager = session.scalar(select(Employee).where(Employee.email == email))
        if manager is None:
            reasons["manager"] = f"No one in Postwise has the email address {email!r}."
    if not 1 <= spec.due_days <= 3650:
        reasons["due_days"] = "Give a due period from 1 to 3650 days."
    if spec.recertify_months is not None and not 1 <= spec.recertify_months <= 120:
        reasons["recertify_months"] = "Recertify every 1 to 120 months, or leave it empty."
    if reasons:
        raise RuleRejected(reasons)
    assert course is not None
    rule = AssignmentRule(
        course_id=course.id,
        audience=spec.audience,
        audience_values=list(spec.audience_values),
        manager_id=manager.id if manager else None,
        due_days=spec.due_days,
        recertify_months=spec.recertify_months,
    )
    session.add(rule)
    session.flush()
    audit.record(session, "rule.created", describe_rule(rule, course.slug), actor_id=actor_id)
    return rule


def describe_rule(rule: AssignmentRule, course_slug: str) -> str:
    """A rule in words, for the audit log and the rules page."""
    who = {
        "everyone": "everyone",
        "departments": "departments " + ", ".join(rule.audience_values),
        "locations": "locations " + ", ".join(rule.audience_values),
        "manager": f"the reporting line of employee #{rule.manager_id}",
        "people": "employees " + ", ".join(rule.audience_values),
    }[rule.audience]
    every = f", recertify every {rule.recertify_months} months" if rule.recertify_months else ""
    return f"{course_slug} for {who}, due in {rule.due_days} days{every}"


def audience(rule: AssignmentRule) -> Select[tuple[int]]:
    """Ids of the active people a rule covers."""
    query = select(Employee.id).where(Employee.is_active)
    if rule.audience == "departments":
        return query.where(Employee.department.in_(rule.audience_values))
    if rule.audience == "locations":
        return query.where(Employee.location.in_(rule.audience_values))
    if rule.audience == "people":
        return query.where(Employee.hris_id.in_(rule.audience_values))
    if rule.audience == "manager":
        assert rule.manager_id is not None
        return query.where(Employee.id.in_(reporting_line(rule.manager_id)))
    return query


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
            session.add(_enrollment(employee_id, course_id, 1, now, due))
            counts["assigned"] += 1
        elif current.withdrawn_at is not None and current.completed_at is None:
            current.withdrawn_at = None
            counts["reinstated"] += 1
        elif (
            current.completed_at is not None
            and want.recertify_months
            and add_months(current.completed_at, want.recertify_months) <= now
        ):
            due = now + timedelta(days=want.due_days)
            session.add(_enrollment(employee_id, course_id, current.cycle + 1, now, due))
            counts["recertified"] += 1
    for key, enrollment in latest.items():
        if (
            key not in wanted
            and enrollment.source == "assigned"
            and enrollment.completed_at is None
            and enrollment.withdrawn_at is None
        ):
            enrollment.withdrawn_at = now
            counts["withdrawn"] += 1
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
    employee_id: int, course_id: int, cycle: int, now: datetime, due: datetime
) -> Enrollment:
    return Enrollment(
        employee_id=employee_id, course_id=course_id, cycle=cycle, assigned_at=now, due_at=due
    )


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later (the month's last day when it is shorter)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
