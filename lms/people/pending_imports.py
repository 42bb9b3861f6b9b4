"""An uploaded HRIS file kept between its preview and HR's confirmation.

In the database rather than the session cookie (too small) or a worker's memory or disk
(another process may answer the confirmation): any app process can finish the import.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lms import clock
from lms.people.models import PendingImport

MAX_AGE = timedelta(hours=2)


def stage_upload(
    session: Session, content: bytes, *, deactivate_missing: bool, plan_digest: str, actor_id: int
) -> str:
    """Keep a previewed file for its confirmation; the key names it in the confirm form.

    Files older than MAX_AGE go at the same time: they hold personal data nobody confirmed.
    """
    session.execute(delete(PendingImport).where(PendingImport.created_at < clock.now() - MAX_AGE))
    key = secrets.token_urlsafe(24)
    session.add(
        PendingImport(
            key=key,
            actor_id=actor_id,
            content=content,
            deactivate_missing=deactivate_missing,
            plan_digest=plan_digest,
        )
    )
    session.flush()
    return key


def staged_upload(session: Session, key: str, *, actor_id: int) -> PendingImport | None:
    """The file this admin previewed under `key`, unless it is gone or too old."""
    return session.scalar(
        select(PendingImport).where(
            PendingImport.key == key,
            PendingImport.actor_id == actor_id,
            PendingImport.created_at >= clock.now() - MAX_AGE,
        )
    )


def discard(session: Session, pending: PendingImport) -> None:
    """Forget a staged file: imported, or refused for good."""
    session.delete(pending)
    session.flush()
