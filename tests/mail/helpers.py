"""Arranging and reading the outbox in the mail tests."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from lms.mail.models import OutboxMessage
from lms.mail.outbox import Draft, enqueue
from lms.mail.render import Rendered

SENDER = "Postwise <training@postwise.test>"


def queue(db, count: int, kind: str = "overdue") -> list[str]:
    """Queue `count` simple messages to different people; their addresses."""
    drafts = [
        Draft(
            key=f"test:{kind}:{n}",
            kind=kind,
            to_address=f"learner{n}@example.com",
            employee_id=None,
            content=Rendered(
                subject=f"Message {n}",
                text=f"Plain text {n}: http://postwise.test/courses/x",
                html=f'<p>HTML {n}: <a href="http://postwise.test/courses/x">go</a></p>',
            ),
        )
        for n in range(count)
    ]
    enqueue(db, drafts, sender=SENDER)
    db.commit()
    return [draft.to_address for draft in drafts]


def states(db) -> Counter[str]:
    db.rollback()
    return Counter(db.scalars(select(OutboxMessage.status)))


def messages(db) -> list[OutboxMessage]:
    db.rollback()
    db.expire_all()
    return list(db.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
