"""Forgetting old events, so the events table (and each sender's scan of it) stays bounded."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from lms import clock
from lms.events.models import DomainEvent
from lms.webhooks.models import DELIVERED, FAILED, WebhookDelivery


def purge_events(session: Session, older_than: timedelta) -> int:
    """Delete events older than `older_than` whose every delivery has ended (delivered or
    failed), with those deliveries; an event still being tried stays. How many went."""
    cutoff = clock.now() - older_than
    pending = exists().where(
        WebhookDelivery.event_id == DomainEvent.id,
        WebhookDelivery.status.not_in((DELIVERED, FAILED)),
    )
    old = select(DomainEvent.id).where(DomainEvent.occurred_at < cutoff, ~pending)
    ids = list(session.scalars(old))
    for start in range(0, len(ids), 1000):  # databases cap the parameters of one statement
        batch = ids[start : start + 1000]
        session.execute(delete(WebhookDelivery).where(WebhookDelivery.event_id.in_(batch)))
        session.execute(delete(DomainEvent).where(DomainEvent.id.in_(batch)))
    return len(ids)
