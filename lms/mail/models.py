"""The outbox: every email is written here first and delivered from here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, created_at, email_address, intpk

QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"
STATES = (QUEUED, SENDING, SENT, FAILED)


class OutboxMessage(Base):
    """One email to one person, rendered when it was queued.

    `dedup_key` says what the message is about (for example the enrollment, the kind of
    reminder and its date), and is unique: the same reminder can never be queued twice.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_try_at"),)

    id: Mapped[intpk]
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), index=True)
    to_address: Mapped[email_address]
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    # Kept across retries, so a copy delivered twice can be recognised as the same message.
    message_id: Mapped[str] = mapped_column(String(250))
    status: Mapped[str] = mapped_column(String(20), default=QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_try_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]  # when a sender took it (status "sending")
    created_at: Mapped[created_at]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
