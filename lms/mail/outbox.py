"""Queueing messages (each at most once) and what HR sees and retries of the outbox."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from email.utils import make_msgid, parseaddr

from sqlalchemy import Insert, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, defer

from lms import clock
from lms.audit import services as audit
from lms.mail.models import FAILED, QUEUED, SENT, STATES, OutboxMessage
from lms.mail.render import Rendered

KEYS_PER_LOOKUP = 500  # dedup keys looked up per statement, well under any parameter limit


@dataclass(frozen=True)
class Draft:
    """A message to queue: who it is for, what it is about (`key`) and what it says."""

    key: str
    kind: str
    to_address: str
    employee_id: int | None
    content: Rendered


def enqueue(session: Session, drafts: Iterable[Draft], *, sender: str) -> int:
    """Queue the drafts whose keys have not been queued before; how many were new.

    The insert skips a key that is already there, so two runs racing each other cannot
    queue one message twice either.
    """
    now = clock.now()
    domain = parseaddr(sender)[1].rpartition("@")[2] or "postwise.invalid"
    rows = [
        {
            "dedup_key": draft.key,
            "kind": draft.kind,
            "employee_id": draft.employee_id,
            "to_address": draft.to_address,
            "subject": draft.content.subject,
            "text_body": draft.content.text,
            "html_body": draft.content.html,
            "message_id": make_msgid(domain=domain),
            "status": QUEUED,
            "attempts": 0,
            "next_try_at": now,
            "created_at": now,
        }
        for draft in drafts
    ]
    if not rows:
        return 0
    statement = _insert_new(session).returning(OutboxMessage.id)
    return len(session.execute(statement, rows).all())


def _insert_new(session: Session) -> Insert:
    """INSERT … ON CONFLICT (dedup_key) DO NOTHING, in the database's own dialect."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(OutboxMessage).on_conflict_do_nothing(index_elements=["dedup_key"])


def queued_keys(session: Session, keys: Sequence[str]) -> set[str]:
    """Which of these keys are in the outbox already, so their messages need not be drawn."""
    found: set[str] = set()
    for start in range(0, len(keys), KEYS_PER_LOOKUP):
        chunk = keys[start : start + KEYS_PER_LOOKUP]
        found.update(
            session.scalars(
                select(OutboxMessage.dedup_key).where(OutboxMessage.dedup_key.in_(chunk))
            )
        )
    return found


def status_counts(session: Session) -> dict[str, int]:
    """How many messages are in each state (every state listed, zero or not)."""
    counted = dict(
        session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    return {state: counted.get(state, 0) for state in STATES}


def messages_page(
    session: Session, status: str | None, page: int, per_page: int
) -> list[OutboxMessage]:
    """One page of messages, newest first; the bodies stay unloaded (they may hold links)."""
    statement = (
        select(OutboxMessage)
        .order_by(OutboxMessage.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    if status:
        statement = statement.where(OutboxMessage.status == status)
    bodies = defer(OutboxMessage.text_body), defer(OutboxMessage.html_body)
    return list(session.scalars(statement.options(*bodies)))


class NotRetryable(Exception):
    """Only a failed message can be tried again."""


def retry(session: Session, message_id: int, *, actor_id: int | None) -> OutboxMessage:
    """Queue a failed message again with a fresh count of attempts."""
    message = session.get(OutboxMessage, message_id)
    if message is None or message.status != FAILED:
        raise NotRetryable
    _requeue(session, [message.id])
    audit.record(
        session,
        "mail.retried",
        f"{message.subject} to {message.to_address}",
        actor_id=actor_id,
        before=message.last_error,
    )
    return message


def retry_all_failed(session: Session, *, actor_id: int | None) -> int:
    """Queue every failed message again; how many there were."""
    ids = list(session.scalars(select(OutboxMessage.id).where(OutboxMessage.status == FAILED)))
    if ids:
        _requeue(session, ids)
        audit.record(session, "mail.retried", f"{len(ids)} failed messages", actor_id=actor_id)
    return len(ids)


def _requeue(session: Session, ids: list[int]) -> None:
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == FAILED)
        .values(status=QUEUED, attempts=0, next_try_at=clock.now(), claimed_at=None)
        .execution_options(synchronize_session="fetch")
    )


def purge_sent(session: Session, older_than: timedelta) -> int:
    """Delete messages sent longer ago than `older_than`; how many went.

    Every dated reminder's window is at most 30 days long, so after that its key is needed
    no more. The one undated reminder, "acknowledge the guideline again", is then sent once
    more to whoever still has not. Failed and queued messages stay, whatever their age.
    """
    result = session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.status == SENT, OutboxMessage.sent_at < clock.now() - older_than
        )
    )
    return result.rowcount or 0
