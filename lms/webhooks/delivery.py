"""Delivering webhooks from the outbox: fan events out, claim due deliveries, post, record.

The same technique as the mail sender (lms/mail/delivery.py): each sender claims its batch
in one committed transaction (FOR UPDATE SKIP LOCKED on PostgreSQL, BEGIN IMMEDIATE on
SQLite) before posting anything, so two senders never post one delivery. A delivery is
marked delivered only after a 2xx answer; a sender that dies in between leaves it
"sending", offered again once the claim is stale: at least once, never silently lost.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass

import requests
from sqlalchemy import and_, exists, insert, literal, select, update
from sqlalchemy.orm import Session, sessionmaker

from lms import clock
from lms.db import UTCDateTime, write_transaction
from lms.events import DomainEvent
from lms.outbox import record_attempt, release_stale
from lms.retry import RECEIVER_RETRIES, RetryPolicy
from lms.webhooks.models import (
    DELIVERED,
    FAILED,
    QUEUED,
    SENDING,
    WebhookDelivery,
    WebhookSubscription,
)

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10


WEBHOOK_RETRIES = RECEIVER_RETRIES


@dataclass
class SendSummary:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"delivered {self.delivered}, will retry {self.retrying}, failed {self.failed}"


@dataclass(frozen=True)
class Claimed:
    id: int
    attempts: int
    url: str
    secret: str
    kind: str
    body: bytes


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The Postwise-Signature value: v1=hex HMAC-SHA256 over "timestamp.body"."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + digest.hexdigest()


def send_due(
    sessions: sessionmaker[Session], *, policy: RetryPolicy, batch_size: int = 50
) -> SendSummary:
    """Queue deliveries for new events, then post every due one until none is left."""
    _fan_out(sessions)
    release_stale(sessions, WebhookDelivery, policy)
    summary = SendSummary()
    with requests.Session() as http:
        while batch := _claim(sessions, batch_size):
            for delivery in batch:
                _post(sessions, http, delivery, policy, summary)
    return summary


def _fan_out(sessions: sessionmaker[Session]) -> None:
    """One delivery per event and live subscription that wants it and has none yet.

    Subscriptions are locked while this runs, so two senders do not queue the same pair
    (the unique constraint would stop the second anyway). Events older than a
    subscription are not sent to it.
    """
    stamp = literal(clock.now(), type_=UTCDateTime())
    with write_transaction(sessions) as session:
        subscriptions = session.scalars(
            select(WebhookSubscription)
            .where(WebhookSubscription.paused.is_(False))
            .order_by(WebhookSubscription.id)
            .with_for_update()
        ).all()
        for subscription in subscriptions:
            wanted = select(
                literal(subscription.id),
                DomainEvent.id,
                literal(QUEUED),
                literal(0),
                stamp,
                stamp,
            ).where(
                DomainEvent.kind.in_(subscription.kinds),
                DomainEvent.occurred_at >= subscription.created_at,
                ~exists().where(
                    and_(
                        WebhookDelivery.subscription_id == subscription.id,
                        WebhookDelivery.event_id == DomainEvent.id,
                    )
                ),
            )
            session.execute(
                insert(WebhookDelivery).from_select(
                    [
                        "subscription_id",
                        "event_id",
                        "status",
                        "attempts",
                        "next_try_at",
                        "created_at",
                    ],
                    wanted,
                    include_defaults=False,
                )
            )


def _claim(sessions: sessionmaker[Session], size: int) -> list[Claimed]:
    """Take up to `size` due deliveries for this sender, committed before any is posted."""
    now = clock.now()
    with write_transaction(sessions) as session:
        ids = list(
            session.scalars(
                select(WebhookDelivery.id)
                .join(WebhookSubscription)
                .where(
                    WebhookDelivery.status == QUEUED,
                    WebhookDelivery.next_try_at <= now,
                    WebhookSubscription.paused.is_(False),
                )
                .order_by(WebhookDelivery.next_try_at, WebhookDelivery.id)
                .limit(size)
                .with_for_update(of=WebhookDelivery, skip_locked=True)
            )
        )
        if not ids:
            return []
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id.in_(ids))
            .values(status=SENDING, claimed_at=now)
        )
        rows = session.execute(
            select(WebhookDelivery, WebhookSubscription, DomainEvent)
            .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
            .join(DomainEvent, DomainEvent.id == WebhookDelivery.event_id)
            .where(WebhookDelivery.id.in_(ids))
            .order_by(WebhookDelivery.id)
        ).all()
        return [
            Claimed(
                id=delivery.id,
                attempts=delivery.attempts,
                url=subscription.url,
                secret=subscription.secret,
                kind=event.kind,
                body=json.dumps(event.body(), separators=(",", ":")).encode(),
            )
            for delivery, subscription, event in rows
        ]


def _post(
    sessions: sessionmaker[Session],
    http: requests.Session,
    delivery: Claimed,
    policy: RetryPolicy,
    summary: SendSummary,
) -> None:
    timestamp = str(int(clock.now().timestamp()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Postwise-Webhooks/1",
        "Postwise-Event": delivery.kind,
        "Postwise-Delivery": str(delivery.id),
        "Postwise-Timestamp": timestamp,
        "Postwise-Signature": sign(delivery.secret, timestamp, delivery.body),
    }
    code: int | None = None
    try:
        answer = http.post(
            delivery.url,
            data=delivery.body,
            headers=headers,
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except requests.RequestException as failure:
        error = f"Could not reach the receiver: {type(failure).__name__}."
    else:
        code = answer.status_code
        if 200 <= code < 300:
            record_attempt(
                sessions,
                WebhookDelivery,
                delivery.id,
                status=DELIVERED,
                code=code,
                error=None,
                delivered_at=clock.now(),
            )
            summary.delivered += 1
            return
        error = f"The receiver answered {code}."
    attempts = delivery.attempts + 1
    final = attempts >= policy.max_attempts
    record_attempt(
        sessions,
        WebhookDelivery,
        delivery.id,
        status=FAILED if final else QUEUED,
        code=code,
        error=error,
        next_try_at=clock.now() + policy.delay(attempts),
        delivered_at=None,
    )
    if final:
        summary.failed += 1
        log.warning("webhook delivery %s failed for good: %s", delivery.id, error)
    else:
        summary.retrying += 1
