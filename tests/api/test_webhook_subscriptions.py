"""/api/v1/webhooks: another system subscribes itself, gets the secret once, and its
deliveries are signed with it."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from lms.audit.models import AuditEvent
from lms.dbsession import database
from lms.events import record_event
from lms.webhooks.delivery import WEBHOOK_RETRIES, send_due
from lms.webhooks.models import WebhookSubscription
from tests.api.conftest import caller
from tests.webhooks.receiver import Receiver

WRITE = ["write:webhooks"]
HOOK = {"url": "https://hooks.example.com/postwise", "events": ["person.deactivated"]}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A real receiver on loopback (as in tests/webhooks), not yet listening."""
    server = Receiver()
    yield server
    server.down()


def _count(db) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(WebhookSubscription))


def test_subscribe_list_read_and_remove(app, db, make_client):
    call = caller(app, make_client("Zapier", scopes=WRITE))
    made = call("POST", "/webhooks", json=HOOK)
    assert made.status_code == 201
    body = made.get_json()
    assert body["secret"].startswith("whsec_")
    assert body["url"] == HOOK["url"] and body["events"] == ["person.deactivated"]
    assert made.headers["Location"] == f"http://postwise.test/api/v1/webhooks/{body['id']}"
    listed = call("GET", "/webhooks").get_json()["data"]
    assert [s["id"] for s in listed] == [body["id"]]
    one = call("GET", f"/webhooks/{body['id']}")
    assert one.status_code == 200 and one.headers["ETag"]
    assert "secret" not in listed[0] and "secret" not in one.get_json()
    assert call("DELETE", f"/webhooks/{body['id']}").status_code == 204
    for gone in (f"/webhooks/{body['id']}", "/webhooks/999999", f"/webhooks/{2**64}"):
        missing = call("GET", gone)
        assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    assert call("DELETE", f"/webhooks/{body['id']}").status_code == 404
    assert _count(db) == 0
    targets = db.scalars(
        select(AuditEvent.target)
        .where(AuditEvent.action.in_(["webhook.subscribed", "webhook.removed"]))
        .order_by(AuditEvent.id)
    ).all()
    expected = f"subscription {body['id']} (by API client 'Zapier'): {HOOK['url']}"
    assert targets == [expected, expected]


def test_bad_input_names_the_field_and_adds_nothing(app, db, make_client):
    call = caller(app, make_client(scopes=WRITE))
    for sent, field in [
        ({**HOOK, "url": "ftp://hooks.example.com"}, "url"),
        ({**HOOK, "url": "http://hooks.example.com/in"}, "url"),  # http only to loopback
        ({**HOOK, "url": "https://[::1"}, "url"),  # not a URL at all
        ({**HOOK, "url": "https://a.example\x00.com"}, "url"),
        ({**HOOK, "events": ["person.hired"]}, "events"),
        ({**HOOK, "events": []}, "events"),
        ({"url": HOOK["url"]}, "events"),
        ({**HOOK, "secret": "mine"}, "secret"),
    ]:
        refused = call("POST", "/webhooks", json=sent)
        assert refused.status_code == 422, sent
        assert refused.mimetype == "application/problem+json"
        assert list(refused.get_json()["errors"]) == [field], sent
    assert _count(db) == 0


def test_production_posts_only_to_public_https(app, db, make_client):
    app.config["ENV"] = "production"
    call = caller(app, make_client(scopes=WRITE))
    refused = call("POST", "/webhooks", json={**HOOK, "url": "https://10.0.0.8/in"})
    assert refused.status_code == 422
    assert "internal address" in refused.get_json()["errors"]["url"][0]
    assert _count(db) == 0


def test_only_an_everyone_client_with_the_scope_may_subscribe(app, db, make_client, org):
    no_scope = caller(app, make_client(scopes=["read:people"]))
    line_only = caller(app, make_client(scopes=WRITE, manager=org["senior"].email))
    for call in (no_scope, line_only):
        assert call("POST", "/webhooks", json=HOOK).status_code == 403
        assert call("GET", "/webhooks").status_code == 403
        assert call("GET", "/webhooks/1").status_code == 403
        assert call("DELETE", "/webhooks/1").status_code == 403
    refused = line_only("POST", "/webhooks", json=HOOK)
    assert "manager's reporting line" in refused.get_json()["detail"]
    assert app.test_client().post("/api/v1/webhooks", json=HOOK).status_code == 401
    assert _count(db) == 0


def test_a_subscription_made_over_the_api_gets_signed_deliveries(app, db, make_client, receiver):
    receiver.up()
    call = caller(app, make_client(scopes=WRITE))
    made = call("POST", "/webhooks", json={"url": receiver.url, "events": ["person.deactivated"]})
    secret = made.get_json()["secret"]
    record_event(db, "person.deactivated", {"person": {"id": 7}})
    db.commit()
    summary = send_due(database(app).sessions, policy=WEBHOOK_RETRIES)
    assert summary.delivered == 1
    [received] = receiver.received
    timestamp = received.headers["Postwise-Timestamp"]
    signed = f"{timestamp}.".encode() + received.body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(received.headers["Postwise-Signature"], f"v1={expected}")
    assert json.loads(received.body)["data"]["person"] == {"id": 7}
