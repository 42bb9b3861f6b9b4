"""Delivering the outbox: claim a batch, send it over one connection, record each result.

Delivery is at-least-once. A message is marked "sent" only after the server has accepted
it; if the sender dies between the two, the message stays "sending" and is offered again
once its claim is older than `stale_after`. The price is a rare second copy (it carries
the same Message-ID, so mail systems can tell); the alternative, at-most-once, would lose
a reminder or an invite without anyone noticing, which is worse for training that must
get done.

Two senders running at once never send the same message: each claims its batch in one
transaction (FOR UPDATE SKIP LOCKED on PostgreSQL, BEGIN IMMEDIATE on SQLite) before
sending anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from lms import clock
from lms.db import write_transaction
from lms.mail.models import FAILED, QUEUED, SENDING, SENT, OutboxMessage
from lms.mail.smtp import SmtpConnection, SmtpFailure
from lms.retry import RetryPolicy

log = logging.getLogger(__name__)
# Kinds whose body holds a sign-in link: emptied once sent, so no live link rests in the table.
SENSITIVE_KINDS = frozenset({"invite", "password_reset"})
REMOVED = "(Removed after sending: this message held a one-time sign-in link.)"


@dataclass
class SendSummary:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    released: int = 0  # claims left by a sender that stopped, offered again
    stopped_by: str | None = None  # why the run ended early (the server could not be reached)

    def __str__(self) -> str:
        text = f"sent {self.sent}, will retry {self.retrying}, failed {self.failed}"
        if self.released:
            text += f"; {self.released} left unfinished by an earlier run were queued again"
        return text


Connect = Callable[[], SmtpConnection]  # opens a session or raises SmtpFailure


def send_queued(
    sessions: sessionmaker[Session],
    connect: Connect,
    *,
    policy: RetryPolicy,
    batch_size: int,
) -> SendSummary:
    """Send every message that is due, batch by batch, until none is left or the server
    cannot be reached. Each result is committed as soon as it is known."""
    summary = SendSummary(released=_release_stale(sessions, policy))
    while batch := _claim(sessions, batch_size):
        if not _deliver(sessions, connect, batch, policy, summary):
            break
    return summary


def _deliver(
    sessions: sessionmaker[Session],
    connect: Connect,
    batch: list[OutboxMessage],
    policy: RetryPolicy,
    summary: SendSummary,
) -> bool:
    """Send one claimed batch; False if the connection was lost (the rest waits)."""
    try:
        connection = connect()
    except SmtpFailure as failure:
        _failed(sessions, batch, failure, policy, summary)
        summary.stopped_by = str(failure)
        return False
    try:
        for index, message in enumerate(batch):
            try:
                connection.send(message)
            except SmtpFailure as failure:
                if failure.connection_lost:
                    _failed(sessions, batch[index:], failure, policy, summary)
                    summary.stopped_by = str(failure)
                    return False
                _failed(sessions, [message], failure, policy, summary)
            else:
                _sent(sessions, message)
                summary.sent += 1
    finally:
        connection.close()
    return True


def _claim(sessions: sessionmaker[Session], size: int) -> list[OutboxMessage]:
    """Take up to `size` due messages for this sender, committed before any is sent."""
    now = clock.now()
    with write_transaction(sessions) as session:
        ids = list(
            session.scalars(
                select(OutboxMessage.id)
                .where(OutboxMessage.status == QUEUED, OutboxMessage.next_try_at <= now)
                .order_by(OutboxMessage.next_try_at, OutboxMessage.id)
                .limit(size)
                .with_for_update(skip_locked=True)
            )
        )
        if not ids:
            return []
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(status=SENDING, claimed_at=now)
        )
        return list(
            session.scalars(
                select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)
            )
        )


def _sent(sessions: sessionmaker[Session], message: OutboxMessage) -> None:
    values: dict[str, object] = {"status": SENT, "sent_at": clock.now(), "last_error": None}
    if message.kind in SENSITIVE_KINDS:
        values |= {"text_body": REMOVED, "html_body": REMOVED}
    with write_transaction(sessions) as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message.id)
            .values(attempts=OutboxMessage.attempts + 1, **values)
        )


def _failed(
    sessions: sessionmaker[Session],
    messages: list[OutboxMessage],
    failure: SmtpFailure,
    policy: RetryPolicy,
    summary: SendSummary,
) -> None:
    """Record a failed try: again later with a longer wait, or failed for good."""
    now = clock.now()
    with write_transaction(sessions) as session:
        for message in messages:
            attempts = message.attempts + 1
            final = failure.permanent or attempts >= policy.max_attempts
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message.id)
                .values(
                    status=FAILED if final else QUEUED,
                    attempts=attempts,
                    next_try_at=now + policy.delay(attempts),
                    claimed_at=None,
                    last_error=str(failure)[:2000],
                )
            )
            if final:
                summary.failed += 1
                log.warning("outbox message %s (%s) failed: %s", message.id, message.kind, failure)
            else:
                summary.retrying += 1


def _release_stale(sessions: sessionmaker[Session], policy: RetryPolicy) -> int:
    """Queue again what a sender claimed and never finished (it died mid-batch)."""
    now = clock.now()
    with write_transaction(sessions) as session:
        stale = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.status == SENDING,
                OutboxMessage.claimed_at < now - policy.stale_after,
            )
            .values(
                status=QUEUED,
                claimed_at=None,
                next_try_at=now,
                last_error="The sender stopped before it could record whether this was sent.",
            )
        )
        return stale.rowcount or 0
