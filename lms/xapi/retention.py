"""Forgetting statements that have ended, so the outbox stays small."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from lms import clock
from lms.xapi.models import FAILED, SENT, XapiStatement


def purge_statements(session: Session, older_than: timedelta) -> int:
    """Delete sent and failed statements queued more than `older_than` ago; how many went.
    The LRS keeps what was sent; failed ones stay readable in the outbox until then."""
    cutoff = clock.now() - older_than
    result = session.execute(
        delete(XapiStatement).where(
            XapiStatement.status.in_((SENT, FAILED)), XapiStatement.created_at < cutoff
        )
    )
    return result.rowcount
