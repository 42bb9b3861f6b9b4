"""/api/v1/webhooks: another system subscribes itself to Postwise's events (write:webhooks).

The signing secret is in the answer to POST only, once; the subscription's other reads
never show it. The same URL rules apply as for HR's page and `lms webhooks add`.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app

from lms.api.auth import require_writer, token
from lms.api.blueprint import bp, json_with_etag
from lms.api.idempotency import HEADER_PARAMETER, idempotent
from lms.api.people_feed import MAX_ID
from lms.api.problems import problem
from lms.api.schemas import NewWebhookSchema, WebhookInput, WebhookListSchema, WebhookSchema
from lms.api.scopes import WRITE_WEBHOOKS
from lms.dbsession import db_session
from lms.webhooks.models import WebhookSubscription
from lms.webhooks.subscriptions import (
    SubscriptionError,
    add_subscription,
    check_url,
    delete_subscription,
    get_subscription,
    list_subscriptions,
)

_ONE = WebhookSchema()
_LIST = WebhookListSchema()
_SECURITY = [{"oauth2": [WRITE_WEBHOOKS]}]
_LOCATION = {
    "Location": {"description": "the subscription's address", "schema": {"type": "string"}}
}


@bp.post("/webhooks")
@require_writer(WRITE_WEBHOOKS)
@idempotent
@bp.arguments(WebhookInput)
@bp.response(201, NewWebhookSchema, headers=_LOCATION)
@bp.alt_response(409, description="The Idempotency-Key's first call is still being handled")
@bp.doc(security=_SECURITY, parameters=[HEADER_PARAMETER])
def subscribe(data: dict[str, Any]) -> Response:
    """Subscribe a URL to events; the answer holds the signing secret, shown this once."""
    production = current_app.config["ENV"] == "production"
    try:
        url = check_url(data["url"], production=production)
    except SubscriptionError as error:
        abort(_invalid("url", str(error)))
    session = db_session()
    try:
        added = add_subscription(
            session, url, data["events"], production=production, actor_id=None, via=_client()
        )
    except SubscriptionError as error:
        abort(_invalid("events", str(error)))
    session.commit()
    body = _ONE.dump(added.subscription) | {"secret": added.secret}
    response = current_app.json.response(body)
    response.status_code = 201
    response.headers["Location"] = _address(added.subscription)
    return response


@bp.get("/webhooks")
@require_writer(WRITE_WEBHOOKS)
@bp.response(200, WebhookListSchema)
@bp.doc(security=_SECURITY)
def subscriptions() -> Response:
    """Every subscription, oldest first, without secrets."""
    return json_with_etag(_LIST.dump({"data": list_subscriptions(db_session())}))


@bp.get("/webhooks/<int:subscription_id>")
@require_writer(WRITE_WEBHOOKS)
@bp.response(200, WebhookSchema)
@bp.alt_response(404, description="No subscription with that id")
@bp.doc(security=_SECURITY)
def subscription(subscription_id: int) -> Response:
    """One subscription, without its secret."""
    return json_with_etag(_ONE.dump(_found(subscription_id)))


@bp.delete("/webhooks/<int:subscription_id>")
@require_writer(WRITE_WEBHOOKS)
@bp.response(204)
@bp.alt_response(404, description="No subscription with that id")
@bp.doc(security=_SECURITY)
def unsubscribe(subscription_id: int) -> Response:
    """Remove a subscription and its delivery log; nothing still queued for it is sent."""
    session = db_session()
    delete_subscription(session, _found(subscription_id), actor_id=None, via=_client())
    session.commit()
    return Response(status=204)


def _found(subscription_id: int) -> WebhookSubscription:
    found = get_subscription(db_session(), subscription_id) if subscription_id <= MAX_ID else None
    if found is None:
        abort(problem(404, "There is no webhook subscription with that id."))
    return found


def _invalid(field: str, message: str) -> Response:
    return problem(422, f"Not valid: {field}. {message}", errors={field: [message]})


def _client() -> str:
    return f"API client {token().client.name!r}"


def _address(subscription: WebhookSubscription) -> str:
    base = current_app.config["BASE_URL"].rstrip("/")
    return f"{base}/api/v1/webhooks/{subscription.id}"
