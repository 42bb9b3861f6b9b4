"""What HR's Webhooks page shows: each subscription with its counts, and a delivery log.

Both read in a fixed number of queries, whatever the number of subscriptions or deliveries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.events import DomainEvent
from lms.webhooks.models import (
    DELIVERED,
    FAILED,
    QUEUED,
    SENDING,
    WebhookDelivery,
    WebhookSubscription,
)

LOG_LENGTH = 100


@dataclass(frozen=True)
class SubscriptionRow:
    subscription: WebhookSubscription
    waiting: int  # queued or being sent
    delivered: int
    failed: int
    last_delivered_at: datetime | None


@dataclass(frozen=True)
class LogRow:
    id: int
    event_id: str
    kind: str
    occurred_at: datetime
    status: str
    attempts: int
    status_code: int | None
    last_error: str | None
    next_try_at: datetime
    delivered_at: datetime | None


def subscription_rows(session: Session) -> list[SubscriptionRow]:
    """Every subscription, newest first, with how its deliveries stand (two queries)."""
    subscriptions = session.scalars(
        select(WebhookSubscription).order_by(WebhookSubscription.id.desc())
    ).all()
    counts: dict[tuple[int, str], int] = {}
    last: dict[int, datetime] = {}
    for subscription_id, status, count, latest in session.execute(
        select(
            WebhookDelivery.subscription_id,
            WebhookDelivery.status,
            func.count(),
            func.max(WebhookDelivery.delivered_at),
        ).group_by(WebhookDelivery.subscription_id, WebhookDelivery.status)
    ):
        counts[subscription_id, status] = count
        if latest is not None:
            last[subscription_id] = latest
    return [
        SubscriptionRow(
            subscription=s,
            waiting=counts.get((s.id, QUEUED), 0) + counts.get((s.id, SENDING), 0),
            delivered=counts.get((s.id, DELIVERED), 0),
            failed=counts.get((s.id, FAILED), 0),
            last_delivered_at=last.get(s.id),
        )
        for s in subscriptions
    ]


def delivery_log(session: Session, subscription_id: int, limit: int = LOG_LENGTH) -> list[LogRow]:
    """The latest deliveries of one subscription, newest first (one query)."""
    rows = session.execute(
        select(WebhookDelivery, DomainEvent.event_id, DomainEvent.kind, DomainEvent.occurred_at)
        .join(DomainEvent, DomainEvent.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.subscription_id == subscription_id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    ).all()
    return [
        LogRow(
            id=d.id,
            event_id=event_id,
            kind=kind,
            occurred_at=occurred_at,
            status=d.status,
            attempts=d.attempts,
            status_code=d.status_code,
            last_error=d.last_error,
            next_try_at=d.next_try_at,
            delivered_at=d.delivered_at,
        )
        for d, event_id, kind, occurred_at in rows
    ]
