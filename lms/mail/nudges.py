"""A manager's nudge: one email to one overdue person, at most one per person per day."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import clock
from lms.audit import services as audit
from lms.courses.services import current_versions
from lms.learning.models import Enrollment
from lms.learning.statuses import OVERDUE, status_of
from lms.mail.outbox import Draft, enqueue, queued_keys
from lms.mail.reminders import Link, footer_links
from lms.mail.render import recipient_language, render
from lms.messages import N_, Message
from lms.people.models import Employee
from lms.people.org import Scope

NUDGE = "nudge"


class NudgeRefused(Exception):
    """The nudge was not sent; `message` says why, in words for the manager."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


def nudge(
    session: Session,
    enrollment_id: int,
    sender: Employee,
    scope: Scope,
    link: Link,
    *,
    mail_from: str,
    default_language: str,
) -> Employee:
    """Queue a reminder from `sender` about one overdue enrollment in their scope, in the
    person's language (else `default_language`, the company's, never the manager's); the
    person reminded. Raises LookupError outside the scope, NudgeRefused when not allowed."""
    row = session.execute(
        select(Enrollment, Employee)
        .join(Employee, Employee.id == Enrollment.employee_id)
        .where(Enrollment.id == enrollment_id, scope.covers(Employee.id))
    ).first()
    if row is None:
        raise LookupError(enrollment_id)
    enrollment, person = row
    now = clock.now()
    version = current_versions(session, with_content=False).get(enrollment.course_id)
    if not person.is_active or version is None:
        raise NudgeRefused(
            N_("%(name)s cannot be reminded about this course any more.", name=person.name)
        )
    if enrollment.withdrawn_at is not None or status_of(enrollment, now) != OVERDUE:
        raise NudgeRefused(
            N_(
                "%(name)s is not overdue with %(course)s, so no nudge.",
                name=person.name,
                course=version.title,
            )
        )
    key = f"{NUDGE}:{person.id}:{now:%Y-%m-%d}"
    content = render(
        NUDGE,
        recipient_language(person.reading_language, default_language),
        person=person,
        manager=sender,
        course=version,
        due_at=enrollment.due_at,
        course_url=link("learning.course", slug=version.course.slug),
        **footer_links(link),
    )
    draft = Draft(key, NUDGE, person.email, person.id, content)
    if queued_keys(session, [key]) or not enqueue(session, [draft], sender=mail_from):
        raise NudgeRefused(
            N_(
                "%(name)s has already been reminded today. You can nudge them again tomorrow.",
                name=person.name,
            )
        )
    audit.record(session, "mail.nudged", f"{person.name} about {version.title}", actor_id=sender.id)
    return person
