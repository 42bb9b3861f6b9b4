"""`lms mail queue`: find the reminders that are due now and put them in the outbox.

Running it twice queues nothing new: each reminder's key (see lms.mail.schedule) is
looked up before its message is drawn, and the outbox refuses a key it holds already.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby, islice
from typing import Any

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from lms import clock
from lms.courses.models import CourseVersion
from lms.courses.services import current_versions
from lms.db import write_transaction
from lms.learning.guideline import published_guideline_versions, still_valid
from lms.learning.models import Attestation, Certificate, Enrollment
from lms.mail import schedule
from lms.mail.outbox import Draft, enqueue, queued_keys
from lms.mail.render import recipient_language, render
from lms.people.models import Employee, reading_language

Link = Callable[..., str]  # endpoint and values to an absolute URL (see lms.mail.links)
CHUNK = 500  # reminders looked up, drawn and queued at a time
DIGEST_ROWS = 25  # overdue people listed in one digest; the link shows them all
GUIDELINE = "guideline_again"
DIGEST = "manager_digest"


@dataclass(frozen=True)
class _Candidate:
    due: schedule.Due
    employee_id: int
    to_address: str
    language: str | None  # the person's own choice; None: the company's (LMS_DEFAULT_LANGUAGE)
    context: dict[str, Any]


# An enrollment still to be done: not completed, excused or withdrawn.
_open = and_(
    Enrollment.completed_at.is_(None),
    Enrollment.exempted_at.is_(None),
    Enrollment.withdrawn_at.is_(None),
)


class QueueSummary(Counter[str]):
    """How many messages were queued, by kind."""

    def __str__(self) -> str:
        total = sum(self.values())
        if not total:
            return "nothing new was due"
        parts = ", ".join(
            f"{count} {kind.replace('_', ' ')}" for kind, count in sorted(self.items())
        )
        return f"queued {total} ({parts})"


def queue_reminders(
    reading: Session,
    writing: sessionmaker[Session],
    link: Link,
    *,
    sender: str,
    default_language: str,
) -> QueueSummary:
    """Queue every reminder due now that is not queued yet (idempotent).

    It reads with `reading` and writes each chunk in a short transaction of its own from
    `writing`, so on SQLite the app's own writes never wait behind a whole run (the outbox
    refuses a key twice, so two runs at once still queue each reminder once). Each message
    is written in its recipient's language, or `default_language` if they chose none.
    """
    now = clock.now()
    versions = current_versions(reading, with_content=False)
    summary = QueueSummary()
    for candidates in (
        _course_reminders(reading, versions, link, now),
        _expiry_reminders(reading, versions, link, now),
        _guideline_reminders(reading, link),
        _digests(reading, versions, link, now),
    ):
        summary.update(
            _queue(reading, writing, candidates, sender=sender, default_language=default_language)
        )
    return summary


def _queue(
    reading: Session,
    writing: sessionmaker[Session],
    candidates: Iterable[_Candidate],
    *,
    sender: str,
    default_language: str,
) -> Counter[str]:
    counted: Counter[str] = Counter()
    iterator = iter(candidates)
    while chunk := list(islice(iterator, CHUNK)):
        known = queued_keys(reading, [candidate.due.key for candidate in chunk])
        drafts = [
            Draft(
                key=candidate.due.key,
                kind=candidate.due.kind,
                to_address=candidate.to_address,
                employee_id=candidate.employee_id,
                content=render(
                    candidate.due.kind,
                    recipient_language(candidate.language, default_language),
                    **candidate.context,
                ),
            )
            for candidate in chunk
            if candidate.due.key not in known
        ]
        if not drafts:
            continue
        with write_transaction(writing) as session:
            if enqueue(session, drafts, sender=sender):
                counted.update(draft.kind for draft in drafts)
    return counted


def _course_reminders(
    session: Session, versions: dict[int, CourseVersion], link: Link, now: datetime
) -> Iterator[_Candidate]:
    """Assigned, due in 7 days, due tomorrow and overdue, for every open enrollment."""
    statement = (
        select(
            Enrollment.id.label("enrollment_id"),
            Enrollment.course_id,
            Enrollment.assigned_at,
            Enrollment.due_at,
            Enrollment.source,
            Enrollment.cycle,
            Employee.id,
            Employee.email,
            Employee.first_name,
            reading_language(Employee).label("language"),
        )
        .join(Employee, Employee.id == Enrollment.employee_id)
        .where(
            Employee.is_active,
            _open,
            or_(
                Enrollment.assigned_at > now - schedule.NEWS_FOR,
                Enrollment.due_at <= now + schedule.WEEK,
            ),
        )
        .order_by(Enrollment.id)
        .execution_options(yield_per=CHUNK)
    )
    footer = footer_links(link)
    for row in session.execute(statement):
        version = versions.get(row.course_id)
        if version is None:
            continue  # the course has no published version to take
        for due in schedule.course_reminders(row.enrollment_id, row.assigned_at, row.due_at, now):
            if due.kind == schedule.ASSIGNED and row.source == "self":
                continue  # they chose it from the catalogue themselves: no news to them
            yield _Candidate(
                due,
                row.id,
                row.email,
                row.language,
                {
                    "person": row,
                    "course": version,
                    "due_at": row.due_at,
                    "days_left": (row.due_at - now).days if row.due_at else None,
                    "renewal": row.cycle > 1,
                    "course_url": link("learning.course", slug=version.course.slug),
                    **footer,
                },
            )


def _expiry_reminders(
    session: Session, versions: dict[int, CourseVersion], link: Link, now: datetime
) -> Iterator[_Candidate]:
    """30 and 7 days before a certificate of the person's latest cycle expires."""
    later = aliased(Enrollment)
    renewed = exists().where(
        later.employee_id == Enrollment.employee_id,
        later.course_id == Enrollment.course_id,
        later.cycle > Enrollment.cycle,
    )
    statement = (
        select(Certificate, Enrollment, Employee)
        .join(Enrollment, Enrollment.id == Certificate.enrollment_id)
        .join(Employee, Employee.id == Enrollment.employee_id)
        .where(
            Employee.is_active,
            Enrollment.withdrawn_at.is_(None),
            Certificate.valid_until > now,
            Certificate.valid_until <= now + 30 * schedule.DAY,
            ~renewed,
        )
        .order_by(Certificate.id)
    )
    footer = footer_links(link)
    for certificate, enrollment, employee in session.execute(statement):
        version = versions.get(enrollment.course_id)
        due = schedule.expiry_reminder(certificate.id, certificate.valid_until, now)
        if version is None or due is None:
            continue
        yield _Candidate(
            due,
            employee.id,
            employee.email,
            employee.reading_language,
            {
                "person": employee,
                "course": version,
                "valid_until": certificate.valid_until,
                "days_left": (certificate.valid_until - now).days,
                "course_url": link("learning.course", slug=version.course.slug),
                **footer,
            },
        )


def _guideline_reminders(session: Session, link: Link) -> Iterator[_Candidate]:
    """Everyone who acknowledged an earlier guideline that no longer counts, once per
    version that asked everyone again (unless the guideline course is assigned to them anew)."""
    versions = published_guideline_versions(session, with_content=False)
    valid = still_valid(versions)
    if not versions or valid[0].id == versions[0].id:
        return  # no version has asked for a new acknowledgement
    current, valid_ids = versions[-1], [version.id for version in valid]
    acknowledged_before = exists().where(
        Attestation.employee_id == Employee.id,
        Attestation.version_id.not_in(valid_ids),
    )
    acknowledged_now = exists().where(
        Attestation.employee_id == Employee.id, Attestation.version_id.in_(valid_ids)
    )
    # Someone the guideline course is assigned to again hears of it through that course's
    # own reminders (assigned, due soon, overdue): one message, not two.
    assigned_again = exists().where(
        Enrollment.employee_id == Employee.id, Enrollment.course_id == current.course_id, _open
    )
    statement = (
        select(Employee)
        .where(Employee.is_active, acknowledged_before, ~acknowledged_now, ~assigned_again)
        .order_by(Employee.id)
    )
    footer = footer_links(link)
    for employee in session.scalars(statement):
        yield _Candidate(
            schedule.Due(GUIDELINE, f"{GUIDELINE}:{employee.id}:{current.id}"),
            employee.id,
            employee.email,
            employee.reading_language,
            {
                "person": employee,
                "guideline": current,
                "guideline_url": link("learning.guideline_page"),
                **footer,
            },
        )


@dataclass(frozen=True)
class OverdueRow:
    name: str
    department: str | None
    course: str | None  # None: a retired course (the template says so in the manager's words)
    due_at: datetime


def _digests(
    session: Session, versions: dict[int, CourseVersion], link: Link, now: datetime
) -> Iterator[_Candidate]:
    """Each manager who wants it: the overdue people of their whole reporting line, weekly.

    One statement walks up from every overdue person to all their managers, rather than
    down from each of thousands of managers; its rows come manager by manager, and only the
    first few of each are kept.
    """
    week = schedule.digest_week(now)
    team_url, footer = link("team.index", status="overdue", sort="due"), footer_links(link)
    rows = session.execute(_overdue_by_manager(now).execution_options(yield_per=5 * CHUNK))
    for manager_id, group in groupby(rows, key=lambda row: row.manager_id):
        shown: list[OverdueRow] = []
        people: set[int] = set()
        total = 0
        for row in group:
            manager, total = row, total + 1
            people.add(row.person_id)
            if len(shown) < DIGEST_ROWS:
                version = versions.get(row.course_id)
                title = version.title if version is not None else None
                name = f"{row.first_name} {row.last_name}"
                shown.append(OverdueRow(name, row.department, title, row.due_at))
        yield _Candidate(
            schedule.Due(DIGEST, f"{DIGEST}:{manager_id}:{week}"),
            manager_id,
            manager.manager_email,
            manager.manager_language,
            {
                "person": {"first_name": manager.manager_first_name},
                "rows": shown,
                "total": total,
                "people": len(people),
                "team_url": team_url,
                "week": week,
                **footer,
            },
        )


def _overdue_by_manager(now: datetime) -> Select[Any]:
    """One row per overdue enrollment and manager above its person, direct or not, ordered
    by manager; managers who switched the digest off are left out."""
    person = aliased(Employee, name="person")
    manager = aliased(Employee, name="manager")
    above = aliased(Employee, name="above")
    overdue = and_(_open, Enrollment.due_at < now)
    overdue_people = select(Enrollment.employee_id).where(overdue)
    chain = (
        select(Employee.manager_id.label("manager_id"), Employee.id.label("employee_id"))
        .where(
            Employee.id.in_(overdue_people), Employee.is_active, Employee.manager_id.is_not(None)
        )
        .cte("chain", recursive=True)
    )
    # UNION, not UNION ALL: a cycle in bad data ends the walk instead of looping.
    chain = chain.union(
        select(above.manager_id, chain.c.employee_id).where(
            above.id == chain.c.manager_id, above.manager_id.is_not(None)
        )
    )
    return (
        select(
            manager.id.label("manager_id"),
            manager.email.label("manager_email"),
            manager.first_name.label("manager_first_name"),
            reading_language(manager).label("manager_language"),
            person.id.label("person_id"),
            person.first_name,
            person.last_name,
            person.department,
            Enrollment.course_id,
            Enrollment.due_at,
        )
        .join(chain, chain.c.manager_id == manager.id)
        .join(person, person.id == chain.c.employee_id)
        .join(Enrollment, Enrollment.employee_id == person.id)
        .where(manager.is_active, manager.weekly_digest, overdue)
        .order_by(manager.id, Enrollment.due_at, person.last_name, person.first_name)
    )


def footer_links(link: Link) -> dict[str, str]:
    """Links every reminder ends with: where to sign in, or set a first password."""
    return {
        "sign_in_url": link("auth.sign_in"),
        "forgot_url": link("auth.forgot_password"),
        "settings_url": link("mail.settings"),
    }
