"""Bookkeeping the webhook and xAPI outboxes share: each attempt is recorded in a
transaction of its own, and what a stopped sender claimed is queued again.

A row of either outbox has `id`, `status`, `attempts`, `claimed_at`, `next_try_at`,
`status_code` and `last_error`; what differs (the time a row was done, the name of its
done status) the caller passes in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from lms import clock
from lms.db import write_transaction
from lms.retry import RetryPolicy

QUEUED, SENDING = "queued", "sending"
STOPPED_SENDER = "The sender stopped before it could record the answer."


def record_attempt(
    sessions: sessionmaker[Session],
    model: type[Any],
    row_id: int,
    *,
    status: str,
    code: int | None,
    error: str | None,
    next_try_at: datetime | None = None,
    **done_at: datetime | None,
) -> None:
    """Count one more attempt on the row, let go of its claim and keep the answer."""
    values: dict[str, object] = {
        "status": status,
        "status_code": code,
        "last_error": error,
        "claimed_at": None,
        **done_at,
    }
    if next_try_at is not None:
        values["next_try_at"] = next_try_at
    with write_transaction(sessions) as session:
        session.execute(
            update(model).where(model.id == row_id).values(attempts=model.attempts + 1, **values)
        )


def release_stale(sessions: sessionmaker[Session], model: type[Any], policy: RetryPolicy) -> None:
    """Queue again what a sender claimed and never finished (it stopped mid-batch)."""
    now = clock.now()
    with write_transaction(sessions) as session:
        session.execute(
            update(model)
            .where(model.status == SENDING, model.claimed_at < now - policy.stale_after)
            .values(status=QUEUED, claimed_at=None, next_try_at=now, last_error=STOPPED_SENDER)
        )
