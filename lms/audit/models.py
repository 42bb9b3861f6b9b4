"""One row per HR action, never updated or deleted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, intpk


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[intpk]
    at: Mapped[datetime] = mapped_column(index=True)
    # None when the action came from the command line (cron, an operator's shell).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str] = mapped_column(String(300))  # what it was done to, in words
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
