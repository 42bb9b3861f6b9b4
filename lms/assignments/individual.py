"""HR's decisions for one person and one course, outside the rules, each audited.

- assign: give the course directly, with a due date ("manual", so the sync leaves it alone);
- withdraw: take back an open enrollment (it becomes "manual", so no rule reinstates it);
- exempt: excuse the person, with a reason; never overdue, never renewed by the sync;
- record a completion done elsewhere (a classroom session, say), with its date and a reason;
  it counts as a completion for recertification but never gets a Postwise certificate.

Completions are never changed: a new decision after one starts a new cycle.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms import clock
from lms.audit import services as audit
from lms.courses.models import PUBLISHED, Course, CourseVersion
from lms.db import serialize
from lms.events import ENROLLMENT_COMPLETED, record_event
from lms.learning.announce import completion_facts
from lms.learning.models import Enrollment, QuizAttempt
from lms.learning.statuses import status_of
from lms.messages import N_, Message
from lms.people.models import Employee

log = logging.getLogger(__name__)

MANUAL = "manual"
REASON_MAX = 500


class ChangeRefused(ValueError):
    """The change cannot be made; `messages` maps form fields to what is wrong (shown in
    the person's language), `reasons` to the same in English."""

    def __init__(self, messages: Mapping[str, Message]) -> None:
        self.messages = dict(messages)
        self.reasons = {key: str(message) for key, message in self.messages.items()}
        super().__init__("; ".join(self.reasons.values()))


@dataclass(frozen=True)
class Day:
    """A date among a Message's values: str() writes it in English (the CLI, the API, the
    logs); a page writes `moment` its own way (see lms.assignments.person_views.said)."""

    moment: date

    def __str__(self) -> str:
        return clock.long_date(self.moment)


@dataclass(frozen=True)
class PersonCourse:
    """A person's latest cycle of one course, as HR and the person see it."""

    slug: str
    title: str
    status: str  # a learning status, or "withdrawn"
    due_at: datetime | None
    completed_at: datetime | None
    reason: str | None
    source: str
    cycle: int
    score: int | None  # of the passing attempt
    attempts: int  # quiz attempts in this cycle

    @property
    def is_open(self) -> bool:
        """Can be withdrawn: assigned, not completed, not exempted, not withdrawn."""
        return self.status in ("not started", "in progress", "overdue")


def person_courses(session: Session, employee_id: int) -> list[PersonCourse]:
    """Each course the person has (latest cycle), by title; three queries."""
    titles = _titles(session)
    latest: dict[int, tuple[Enrollment, str]] = {}
    for enrollment, slug in session.execute(
        select(Enrollment, Course.slug)
        .join(Course, Enrollment.course_id == Course.id)
        .where(Enrollment.employee_id == employee_id)
        .order_by(Enrollment.cycle)
    ):
        latest[enrollment.course_id] = (enrollment, slug)
    ids = [enrollment.id for enrollment, _slug in latest.values()]
    attempts = dict(
        session.execute(
            select(QuizAttempt.enrollment_id, func.count())
            .where(QuizAttempt.enrollment_id.in_(ids))
            .group_by(QuizAttempt.enrollment_id)
        ).all()
    )
    now = clock.now()
    courses = [
        PersonCourse(
            slug=slug,
            title=titles.get(slug, slug),
            status="withdrawn" if e.withdrawn_at is not None else status_of(e, now),
            due_at=e.due_at,
            completed_at=e.completed_at,
            reason=e.reason,
            source=e.source,
            cycle=e.cycle,
            score=e.score,
            attempts=attempts.get(e.id, 0),
        )
        for e, slug in latest.values()
    ]
    return sorted(courses, key=lambda course: course.title)


def course_choices(session: Session) -> list[tuple[str, str]]:
    """(slug, title) of every course with a published version, by title."""
    return sorted(_titles(session).items(), key=lambda item: item[1])


def _titles(session: Session) -> dict[str, str]:
    """Each published course's title (its newest published version's), by slug."""
    rows = session.execute(
        select(Course.slug, CourseVersion.title)
        .join(CourseVersion, CourseVersion.course_id == Course.id)
        .where(CourseVersion.status == PUBLISHED)
        .order_by(CourseVersion.number)
    )
    return {slug: title for slug, title in rows}


def assign_course(
    session: Session, employee_id: int, slug: str, due_on: date, *, actor_id: int | None
) -> Enrollment:
    """Give one person a course directly, due at the end of `due_on` (UTC)."""
    employee, course, latest = _load(session, employee_id, slug)
    if due_on < clock.now().date():
        raise ChangeRefused({"due_on": N_("Choose a due date from today on.")})
    if latest is not None and _is_open(latest):
        if latest.due_at is None:
            raise ChangeRefused(
                {"course": N_("%(name)s already has this course open.", name=employee.name)}
            )
        raise ChangeRefused(
            {
                "course": N_(
                    "%(name)s already has this course open, due %(day)s.",
                    name=employee.name,
                    day=Day(latest.due_at),
                )
            }
        )
    before = _state(latest)
    due_at = datetime.combine(due_on, time(23, 59, 59), tzinfo=UTC)
    if latest is not None and latest.completed_at is None and latest.withdrawn_at is not None:
        enrollment = latest  # taken back before: give it again, progress kept
        enrollment.withdrawn_at = None
    else:
        enrollment = _new_cycle(session, employee.id, course.id, latest)
    enrollment.source, enrollment.due_at, enrollment.exempted_at = MANUAL, due_at, None
    session.flush()
    _record(session, "enrollment.assigned", employee, slug, actor_id, before, _state(enrollment))
    return enrollment


def withdraw_course(session: Session, employee_id: int, slug: str, *, actor_id: int | None) -> None:
    """Take back an open enrollment; kept for history, no longer due, not reinstated by rules."""
    employee, _course, latest = _load(session, employee_id, slug)
    if latest is None or not _is_open(latest):
        raise ChangeRefused(
            {"course": N_("%(name)s has no open enrollment in this course.", name=employee.name)}
        )
    before = _state(latest)
    latest.withdrawn_at, latest.source = clock.now(), MANUAL
    session.flush()
    _record(session, "enrollment.withdrawn", employee, slug, actor_id, before, _state(latest))


def exempt(
    session: Session, employee_id: int, slug: str, reason: str, *, actor_id: int | None
) -> Enrollment:
    """Excuse a person from a course, with a reason; it stops counting as due or overdue."""
    employee, course, latest = _load(session, employee_id, slug)
    reason = _reason(reason)
    if latest is not None and latest.completed_at is None and latest.exempted_at is not None:
        raise ChangeRefused(
            {"course": N_("%(name)s is already exempted from this course.", name=employee.name)}
        )
    if latest is not None and latest.completed_at is not None:
        raise ChangeRefused(
            {
                "course": N_(
                    "%(name)s completed this course on %(day)s; there is nothing to exempt "
                    "them from.",
                    name=employee.name,
                    day=Day(latest.completed_at),
                )
            }
        )
    before = _state(latest)
    enrollment = latest or _new_cycle(session, employee.id, course.id, None, source=MANUAL)
    enrollment.exempted_at, enrollment.withdrawn_at, enrollment.reason = clock.now(), None, reason
    session.flush()
    _record(session, "enrollment.exempted", employee, slug, actor_id, before, _state(enrollment))
    return enrollment


def record_completion(
    session: Session,
    employee_id: int,
    slug: str,
    completed_on: date,
    reason: str,
    *,
    actor_id: int | None,
) -> Enrollment:
    """Record a completion done elsewhere, on the day it happened; it renews like any other."""
    employee, course, latest = _load(session, employee_id, slug)
    reasons: dict[str, Message] = {}
    if completed_on > clock.now().date():
        reasons["completed_on"] = N_("The date cannot be in the future.")
    elif latest is not None and latest.completed_at and completed_on <= latest.completed_at.date():
        reasons["completed_on"] = N_(
            "Choose a date after the last completion, on %(day)s.",
            day=Day(latest.completed_at),
        )
    try:
        reason = _reason(reason)
    except ChangeRefused as refused:
        reasons.update(refused.reasons)
    if reasons:
        raise ChangeRefused(reasons)
    before = _state(latest)
    if latest is None or latest.completed_at is not None:
        enrollment = _new_cycle(session, employee.id, course.id, latest, source=MANUAL)
    else:
        enrollment = latest
    enrollment.completed_at = datetime.combine(completed_on, time(), tzinfo=UTC)
    enrollment.completion_recorded_at, enrollment.reason = clock.now(), reason
    enrollment.withdrawn_at = None
    session.flush()
    record_event(session, ENROLLMENT_COMPLETED, completion_facts(session, enrollment, by_hr=True))
    _record(
        session, "enrollment.completion_recorded", employee, slug, actor_id, before,
        _state(enrollment),
    )  # fmt: skip
    return enrollment


def _load(
    session: Session, employee_id: int, slug: str
) -> tuple[Employee, Course, Enrollment | None]:
    # The sync's lock: a change and a sync (or two changes) never build on the same stale
    # latest cycle, so they cannot both add the next one.
    serialize(session, "assignment sync")
    employee = session.get(Employee, employee_id)
    if employee is None:
        raise LookupError(employee_id)
    course = session.scalar(select(Course).where(Course.slug == slug))
    if course is None or slug not in _titles(session):
        raise ChangeRefused({"course": N_("Choose a published course.")})
    latest = session.scalar(
        select(Enrollment)
        .where(Enrollment.employee_id == employee_id, Enrollment.course_id == course.id)
        .order_by(Enrollment.cycle.desc())
        .limit(1)
    )
    return employee, course, latest


def _is_open(enrollment: Enrollment) -> bool:
    return (
        enrollment.completed_at is None
        and enrollment.withdrawn_at is None
        and enrollment.exempted_at is None
    )


def _reason(reason: str) -> str:
    text = " ".join(reason.split())
    if not text:
        raise ChangeRefused({"reason": N_("Give the reason: it is kept with the record.")})
    if len(text) > REASON_MAX:
        raise ChangeRefused(
            {"reason": N_("Keep the reason to %(count)s characters.", count=REASON_MAX)}
        )
    return text


def _new_cycle(
    session: Session,
    employee_id: int,
    course_id: int,
    latest: Enrollment | None,
    source: str = MANUAL,
) -> Enrollment:
    enrollment = Enrollment(
        employee_id=employee_id,
        course_id=course_id,
        cycle=latest.cycle + 1 if latest is not None else 1,
        source=source,
        assigned_at=clock.now(),
    )
    session.add(enrollment)
    return enrollment


def _state(enrollment: Enrollment | None) -> str:
    """An enrollment in words, for the audit log's before and after."""
    if enrollment is None:
        return "not enrolled"
    if enrollment.completed_at is not None:
        when = clock.long_date(enrollment.completed_at)
        if enrollment.completion_recorded_at is not None:
            return f"completed elsewhere on {when} ({enrollment.reason})"
        return f"completed on {when}"
    if enrollment.exempted_at is not None:
        return f"exempted ({enrollment.reason})"
    if enrollment.withdrawn_at is not None:
        return "withdrawn"
    due = f", due {clock.long_date(enrollment.due_at)}" if enrollment.due_at else ""
    return f"{status_of(enrollment, clock.now())}{due}"


def _record(
    session: Session,
    action: str,
    employee: Employee,
    slug: str,
    actor_id: int | None,
    before: str,
    after: str,
) -> None:
    title = _titles(session).get(slug, slug)  # the course as people know it, not its slug
    target = f"{title} for employee {employee.hris_id} ({employee.email})"
    audit.record(session, action, target, actor_id=actor_id, before=before, after=after)
    log.info("%s: %s by %s", action, target, actor_id)
