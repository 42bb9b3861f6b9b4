"""Adding, pausing and removing subscriptions, with the URL checks that keep them safe."""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lms import clock
from lms.audit.services import record
from lms.events import KINDS
from lms.messages import N_, Message
from lms.webhooks.models import FAILED, QUEUED, WebhookDelivery, WebhookSubscription

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


class SubscriptionError(ValueError):
    """What is wrong with a subscription, in words for the person adding it (str() is the
    English, for the API and the CLI)."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class NewSubscription:
    subscription: WebhookSubscription
    secret: str  # shown once to whoever added it


def check_url(url: str, *, production: bool) -> str:
    """The URL if Postwise may post to it, else SubscriptionError saying why.

    Production posts only over https and never to loopback, private or link-local
    addresses written as such (so a subscription cannot reach inside the network).
    Elsewhere http is allowed, but only to loopback, for local receivers and tests.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed [ of an IPv6 address
        raise SubscriptionError(N_("That is not a URL Postwise can read.")) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SubscriptionError(N_("The URL must start with https:// and name a host."))
    if parts.username or parts.password:
        raise SubscriptionError(N_("Leave the user name and password out of the URL."))
    host = parts.hostname
    if production:
        if parts.scheme != "https":
            raise SubscriptionError(N_("Use an https:// URL: deliveries carry personal data."))
        if host in LOOPBACK_NAMES or _internal_address(host):
            raise SubscriptionError(
                N_(
                    "%(host)s is an internal address; Postwise only posts to public hosts.",
                    host=host,
                )
            )
    elif parts.scheme == "http" and host not in LOOPBACK_NAMES:
        raise SubscriptionError(N_("Use https://, or http:// only to localhost or 127.0.0.1."))
    return url


def _internal_address(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name: see docs/webhooks.md on DNS
    return not address.is_global


def add_subscription(
    session: Session,
    url: str,
    kinds: list[str],
    *,
    production: bool,
    actor_id: int | None = None,
    via: str = "",
) -> NewSubscription:
    """A new subscription with a fresh signing secret (the caller commits and shows it).
    `via` names who asked when no employee did (an API client), for the audit log."""
    url = check_url(url, production=production)
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown or not kinds:
        raise SubscriptionError(N_("Choose events from: %(kinds)s.", kinds=", ".join(KINDS)))
    secret = "whsec_" + secrets.token_urlsafe(32)
    subscription = WebhookSubscription(
        url=url, events=" ".join(k for k in KINDS if k in kinds), secret=secret
    )
    session.add(subscription)
    session.flush()
    record(session, "webhook.subscribed", _target(subscription, via), actor_id=actor_id)
    return NewSubscription(subscription, secret)


def get_subscription(session: Session, subscription_id: int) -> WebhookSubscription | None:
    return session.get(WebhookSubscription, subscription_id)


def list_subscriptions(session: Session) -> list[WebhookSubscription]:
    """Every subscription, oldest first (one query)."""
    return list(session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id)))


def set_paused(
    session: Session, subscription: WebhookSubscription, paused: bool, *, actor_id: int | None
) -> None:
    """Pause or resume. A paused subscription keeps its queue; nothing new is queued for it
    meanwhile, and on resume it gets what happened since it was created, as always."""
    if subscription.paused == paused:
        return
    subscription.paused = paused
    action = "webhook.paused" if paused else "webhook.resumed"
    record(session, action, _target(subscription), actor_id=actor_id)


def delete_subscription(
    session: Session, subscription: WebhookSubscription, *, actor_id: int | None, via: str = ""
) -> None:
    """Remove a subscription and its delivery log; what was still queued is never sent."""
    record(session, "webhook.removed", _target(subscription, via), actor_id=actor_id)
    session.execute(
        delete(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription.id)
    )
    session.delete(subscription)
    session.flush()


def send_again(
    session: Session, subscription: WebhookSubscription, delivery_id: int, *, actor_id: int | None
) -> bool:
    """Queue a failed delivery once more, with a fresh count of tries; False if it is not a
    failed delivery of this subscription (already sent again, or someone else's)."""
    delivery = session.scalar(
        select(WebhookDelivery).where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.subscription_id == subscription.id,
            WebhookDelivery.status == FAILED,
        )
    )
    if delivery is None:
        return False
    delivery.status = QUEUED
    delivery.attempts = 0
    delivery.next_try_at = clock.now()
    record(
        session,
        "webhook.sent_again",
        f"delivery {delivery.id} to {subscription.url}",
        actor_id=actor_id,
    )
    return True


def _target(subscription: WebhookSubscription, via: str = "") -> str:
    by = f" (by {via})" if via else ""  # before the URL, which may be cut short
    return f"subscription {subscription.id}{by}: {subscription.url}"
