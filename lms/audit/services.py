"""Recording HR actions. Append-only: there is deliberately no way to change or remove one."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from lms import clock
from lms.audit.models import AuditEvent
from lms.db import column_length

TARGET_LENGTH = column_length(AuditEvent.target)

log = logging.getLogger(__name__)

# The actions recorded, so reports and filters can list them.
ACTIONS = (
    "people.imported",
    "role.granted",
    "role.revoked",
    "password_link.issued",
    "course.created",
    "course.imported",
    "course.published",
    "rule.created",
    "rule.changed",
    "rule.removed",
    "enrollment.assigned",
    "enrollment.withdrawn",
    "enrollment.exempted",
    "enrollment.completion_recorded",
    "mail.retried",
    "mail.nudged",
    "precheck.settings_changed",
)


def record(
    session: Session,
    action: str,
    target: str,
    *,
    actor_id: int | None,
    before: str | None = None,
    after: str | None = None,
) -> AuditEvent:
    """Add one event to the log in the caller's transaction (it commits with the change)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if len(target) > TARGET_LENGTH:
        # Targets quote names people typed; the record of the action matters more than the
        # end of a long name, and PostgreSQL would refuse the whole change otherwise.
        target = target[: TARGET_LENGTH - 1] + "…"
    event = AuditEvent(
        at=clock.now(), actor_id=actor_id, action=action, target=target, before=before, after=after
    )
    session.add(event)
    session.flush()
    log.info("audit: %s %s by %s", action, target, actor_id or "the command line")
    return event
