"""The statement outbox, and how far through the events it has got."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, created_at, intpk

QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"
HIGH_WATER_ID = 1  # the one row of xapi_high_water


class XapiStatement(Base):
    """One statement for one event, built when it was queued and sent as built.

    It keeps its own copy of the statement (no foreign key to domain_events), so the
    webhooks' purge of old events never touches the xAPI outbox.
    """

    __tablename__ = "xapi_statements"
    __table_args__ = (Index("ix_xapi_statements_due", "status", "next_try_at"),)

    id: Mapped[intpk]
    event_id: Mapped[str] = mapped_column(String(36), unique=True)  # DomainEvent.event_id
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    statement: Mapped[str] = mapped_column(Text)  # the statement's JSON
    status: Mapped[str] = mapped_column(String(20), default=QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_try_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[created_at]


class XapiHighWater(Base):
    """The id of the last domain event turned into statements (or skipped): one row."""

    __tablename__ = "xapi_high_water"

    id: Mapped[intpk]
    last_event_id: Mapped[int]
