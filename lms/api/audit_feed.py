"""The audit log the API hands out: every event, in id order, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.audit.models import AuditEvent
from lms.audit.services import action_label
from lms.people.models import Employee


@dataclass(frozen=True)
class AuditRow:
    """One event as the API shows it: as recorded, with the action in words."""

    id: int
    at: datetime
    actor_email: str | None  # None: done from the command line
    action: str
    target: str
    before: str | None
    after: str | None

    @property
    def what(self) -> str:
        return action_label(self.action)


def audit_page(
    session: Session,
    after_id: int,
    limit: int,
    *,
    action: str = "",
    since: datetime | None = None,
) -> tuple[list[AuditRow], bool]:
    """Up to `limit` events with ids above `after_id`, and whether more follow; one query."""
    query = (
        select(
            AuditEvent.id,
            AuditEvent.at,
            Employee.email,
            AuditEvent.action,
            AuditEvent.target,
            AuditEvent.before,
            AuditEvent.after,
        )
        .outerjoin(Employee, AuditEvent.actor_id == Employee.id)
        .where(AuditEvent.id > after_id)
    )
    if action:
        query = query.where(AuditEvent.action == action)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    rows = session.execute(query.order_by(AuditEvent.id).limit(limit + 1)).all()
    return [AuditRow(*row) for row in rows[:limit]], len(rows) > limit
