"""Subscriptions, and one delivery row per event and subscription (the webhook outbox)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, created_at, intpk

QUEUED, SENDING, DELIVERED, FAILED = "queued", "sending", "delivered", "failed"


class WebhookSubscription(Base):
    """A URL that wants some kinds of events.

    The secret is stored as generated: signing needs it in the clear, and an encryption
    key kept next to it in the same app config would protect nothing a database thief
    lacks. Treat a database copy as holding these secrets (docs/webhooks.md).
    """

    __tablename__ = "webhook_subscriptions"

    id: Mapped[intpk]
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[str] = mapped_column(String(400))  # kinds, space-separated
    secret: Mapped[str] = mapped_column(String(100))
    paused: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[created_at]

    @property
    def kinds(self) -> list[str]:
        return self.events.split()


class WebhookDelivery(Base):
    """One event for one subscription; its id is the Postwise-Delivery header."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_id"),
        Index("ix_webhook_deliveries_due", "status", "next_try_at"),
    )

    id: Mapped[intpk]
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("domain_events.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_try_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[created_at]
