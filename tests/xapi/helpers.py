"""Arranging events and sending them, shared by the xAPI tests."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import clock
from lms.dbsession import database
from lms.events import ENROLLMENT_COMPLETED, record_event
from lms.xapi.delivery import SETTLE, XAPI_RETRIES, Lrs, SendSummary, send_due
from lms.xapi.models import XapiStatement


def send(app: Flask, **overrides: Any) -> SendSummary:
    """What `lms xapi send` does, with the app's settings."""
    config = app.config
    lrs = Lrs(config["XAPI_ENDPOINT"], config["XAPI_USERNAME"], config["XAPI_PASSWORD"])
    return send_due(
        database(app).sessions,
        lrs,
        base_url=config["BASE_URL"],
        policy=XAPI_RETRIES,
        **overrides,
    )


def settle() -> None:
    """Move the clock past the settle window, so recorded events may be sent."""
    clock.advance(SETTLE + timedelta(minutes=1))


def completion(db: Session, n: int, score: int | None = 80) -> None:
    """An enrollment.completed event as the learning service records it, for person n."""
    record_event(
        db,
        ENROLLMENT_COMPLETED,
        {
            "person": {"id": n, "employee_id": f"E{n}", "email": f"p{n}@example.com"},
            "course": {"slug": "social-media-essentials", "version": 1},
            "enrollment_id": n,
            "cycle": 1,
            "completed_at": clock.now(),
            "score": score,
        },
    )


def statements(db: Session) -> list[XapiStatement]:
    """The outbox as the senders left it (they commit in sessions of their own)."""
    db.rollback()
    query = select(XapiStatement).order_by(XapiStatement.id)
    return list(db.scalars(query.execution_options(populate_existing=True)))


def body(row: XapiStatement) -> dict[str, Any]:
    return json.loads(row.statement)
