"""Invite and password-reset emails: a fresh one-time link, queued in the outbox.

At most one such email per person every 15 minutes: pressing the button twice, or a
stranger typing someone's address again and again, does not fill their inbox.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from lms import clock
from lms.mail.outbox import Draft, enqueue, queued_keys
from lms.mail.render import recipient_language, render
from lms.people.accounts import find_by_email
from lms.people.invites import issue_invite
from lms.people.models import Employee

INVITE, PASSWORD_RESET = "invite", "password_reset"
WINDOW_SECONDS = 15 * 60


@dataclass(frozen=True)
class LinkMail:
    """What a link email needs from the settings."""

    secret_key: str
    hours: int  # how long the link works
    sender: str
    link: Callable[..., str]  # endpoint and values to an absolute URL on LMS_BASE_URL
    default_language: str  # for people who chose none (LMS_DEFAULT_LANGUAGE)

    @classmethod
    def from_config(cls, config: Mapping[str, Any], link: Callable[..., str]) -> LinkMail:
        return cls(
            secret_key=config["SECRET_KEY"],
            hours=config["INVITE_MAX_AGE_HOURS"],
            sender=config["MAIL_FROM"],
            link=link,
            default_language=config["DEFAULT_LANGUAGE"],
        )


def queue_password_link(
    session: Session,
    employee: Employee,
    kind: str,
    settings: LinkMail,
    *,
    actor_id: int | None = None,
) -> bool:
    """Queue an invite (or reset) email with a new link; False if one was queued for this
    person within the last 15 minutes, in which case nothing is issued."""
    return queue_password_links(session, [employee], kind, settings, actor_id=actor_id) == 1


def queue_password_links(
    session: Session,
    employees: Sequence[Employee],
    kind: str,
    settings: LinkMail,
    *,
    actor_id: int | None = None,
) -> int:
    """Queue a link email for each person, skipping anyone sent one within the last 15
    minutes (no link is issued for them); how many were queued."""
    window = int(clock.now().timestamp()) // WINDOW_SECONDS
    keys = {employee.id: f"password_link:{employee.id}:{window}" for employee in employees}
    recent = queued_keys(session, list(keys.values()))
    drafts = []
    for employee in employees:
        if keys[employee.id] in recent:
            continue
        token = issue_invite(session, settings.secret_key, employee, actor_id=actor_id)
        content = render(
            kind,
            recipient_language(employee.reading_language, settings.default_language),
            person=employee,
            link_url=settings.link("auth.accept_invite", token=token),
            hours=settings.hours,
        )
        drafts.append(Draft(keys[employee.id], kind, employee.email, employee.id, content))
    return enqueue(session, drafts, sender=settings.sender)


def request_password_reset(session: Session, email: str, settings: LinkMail) -> None:
    """Email a reset link if the address belongs to an active account; otherwise do nothing.

    The caller says the same thing either way, so the page never tells who has an account.
    """
    employee = find_by_email(session, email)
    if employee is not None and employee.is_active:
        queue_password_link(session, employee, PASSWORD_RESET, settings, actor_id=employee.id)
