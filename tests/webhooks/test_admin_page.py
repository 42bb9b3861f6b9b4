"""HR's Webhooks page against a real receiver: the secret is shown once, bad input changes
nothing and says where, pausing holds events back, removal asks first, a failed delivery
can be sent again; every change is audited."""

from __future__ import annotations

import re

from sqlalchemy import select

from lms import clock
from lms.audit.models import AuditEvent
from lms.events import record_event
from lms.learning.services import acknowledge_guideline
from lms.webhooks.models import FAILED, QUEUED, WebhookDelivery, WebhookSubscription
from tests.helpers import csrf_token
from tests.webhooks.test_delivery import deliveries, send

PAGE = "/admin/webhooks"
SECRET = re.compile(r'<code class="secret">(whsec_[A-Za-z0-9_-]+)</code>')
GUIDELINE = "social-media-guideline"


def _add(client, url, events=("enrollment.completed", "attestation.recorded")):
    return client.post(
        PAGE, data={"csrf_token": csrf_token(client, PAGE), "url": url, "events": list(events)}
    )


def _post(client, path, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, PAGE), **data})


def _audited(db, action):
    db.rollback()
    return list(db.scalars(select(AuditEvent.target).where(AuditEvent.action == action)))


def _acknowledge(db, org, shipped_courses, enrol):
    db.rollback()  # a fresh snapshot: the page committed since this session last read
    enrol(org["staff"], shipped_courses[GUIDELINE])
    acknowledge_guideline(db, org["staff"].id, shipped_courses[GUIDELINE], None)
    db.commit()


def test_adding_shows_the_secret_once_and_the_receiver_gets_signed_events(
    login, org, db, app, receiver, shipped_courses, enrol
):
    receiver.up()
    client = login(org["hr"])
    page = _add(client, receiver.url)
    assert page.status_code == 200
    secret = SECRET.search(page.text).group(1)
    stored = db.scalar(select(WebhookSubscription))
    assert stored.secret == secret
    assert stored.kinds == ["enrollment.completed", "attestation.recorded"]
    again = client.get(PAGE).text
    assert secret not in again and receiver.url in again and "Never" in again
    assert _audited(db, "webhook.subscribed") == [f"subscription {stored.id}: {receiver.url}"]

    _acknowledge(db, org, shipped_courses, enrol)
    assert send(app).delivered == 2
    assert sorted(r.headers["Postwise-Event"] for r in receiver.received) == [
        "attestation.recorded",
        "enrollment.completed",
    ]
    listing = client.get(PAGE).text
    row = listing[listing.index(receiver.url) :]
    assert re.search(r"<td>0</td>\s*<td>2</td>\s*<td>0</td>", row), row[:600]
    log = client.get(f"{PAGE}/{stored.id}").text
    assert log.count("Delivered</span>") == 2 and "attestation.recorded" in log


def test_bad_input_says_what_and_where_and_adds_nothing(login, org, db):
    client = login(org["hr"])
    cases = {
        "ftp://files.example.com/in": "The URL must start with https://",
        "http://hooks.example.com/in": "Use https://, or http:// only to localhost",
        "https://user:pw@hooks.example.com/in": "Leave the user name and password out",
        "": "Give the URL of the system that receives the events.",
    }
    for url, message in cases.items():
        page = _add(client, url)
        assert page.status_code == 400, url
        assert message in page.text and 'id="url-error"' in page.text, url
    page = _add(client, "https://hooks.example.com/in", events=())
    assert page.status_code == 400 and "Choose at least one event to send." in page.text
    page = _add(client, "https://hooks.example.com/in", events=("course.deleted",))
    assert page.status_code == 400 and "is not a valid choice for this field" in page.text
    assert db.scalar(select(WebhookSubscription)) is None
    assert _audited(db, "webhook.subscribed") == []


def test_production_refuses_internal_addresses(login, org, db, app):
    app.config["ENV"] = "production"
    try:
        page = _add(login(org["hr"]), "https://10.0.0.8/hooks")
    finally:
        app.config["ENV"] = "development"
    assert page.status_code == 400 and "10.0.0.8 is an internal address" in page.text
    assert db.scalar(select(WebhookSubscription)) is None


def test_a_paused_subscription_holds_events_until_resumed(
    login, org, db, app, receiver, shipped_courses, enrol
):
    receiver.up()
    client = login(org["hr"])
    _add(client, receiver.url)
    subscription = db.scalar(select(WebhookSubscription))
    paused = _post(client, f"{PAGE}/{subscription.id}/pause")
    assert paused.status_code == 302
    assert "is paused" in client.get(paused.location).text
    _acknowledge(db, org, shipped_courses, enrol)
    assert send(app).delivered == 0 and receiver.received == []

    resumed = _post(client, f"{PAGE}/{subscription.id}/resume")
    assert "is on again" in client.get(resumed.location).text
    assert send(app).delivered == 2
    assert [a.split(":")[0] for a in _audited(db, "webhook.paused")] == [
        f"subscription {subscription.id}"
    ]
    assert len(_audited(db, "webhook.resumed")) == 1


def test_removing_asks_first_then_drops_the_queue_and_log(
    login, org, db, app, receiver, shipped_courses, enrol
):
    client = login(org["hr"])
    _add(client, receiver.url)  # the receiver is down: deliveries stay queued
    subscription = db.scalar(select(WebhookSubscription))
    _acknowledge(db, org, shipped_courses, enrol)
    assert send(app).retrying == 2
    path = f"{PAGE}/{subscription.id}/delete"

    asked = _post(client, path)
    assert asked.status_code == 200 and "Deliveries still waiting are dropped" in asked.text
    db.rollback()
    assert db.get(WebhookSubscription, subscription.id) is not None

    done = _post(client, path, confirmed="yes")
    assert done.status_code == 302
    assert "is removed" in client.get(done.location).text
    db.rollback()
    assert db.scalar(select(WebhookSubscription)) is None
    assert deliveries(db) == []
    assert len(_audited(db, "webhook.removed")) == 1
    assert _post(client, path, confirmed="yes").status_code == 404


def test_a_failed_delivery_can_be_sent_again_once_the_receiver_works(
    login, org, db, app, receiver, shipped_courses, enrol
):
    receiver.up()
    client = login(org["hr"])
    _add(client, receiver.url, events=("attestation.recorded",))
    subscription = db.scalar(select(WebhookSubscription))
    _acknowledge(db, org, shipped_courses, enrol)
    receiver.answers = [500]
    send(app)
    [delivery] = deliveries(db)
    delivery.status = FAILED  # as after the last of its twelve tries
    db.commit()
    log = client.get(f"{PAGE}/{subscription.id}").text
    assert "Failed</span>" in log and "The receiver answered 500." in log

    path = f"{PAGE}/{subscription.id}/deliveries/{delivery.id}/send-again"
    done = _post(client, path)
    assert f"Delivery {delivery.id} is queued again" in client.get(done.location).text
    [queued] = deliveries(db)
    assert (queued.status, queued.attempts) == (QUEUED, 0)
    assert send(app).delivered == 1 and len(receiver.received) == 2

    twice = _post(client, path)
    assert "has not failed" in client.get(twice.location).text
    assert len(_audited(db, "webhook.sent_again")) == 1
    other = _post(client, f"{PAGE}/{subscription.id + 1}/deliveries/{delivery.id}/send-again")
    assert other.status_code == 404


def test_send_again_touches_only_failed_deliveries_of_that_subscription(login, org, db):
    client = login(org["hr"])
    _add(client, "http://127.0.0.1:9/first")
    _add(client, "http://127.0.0.1:9/second")
    first, second = db.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id))
    event = record_event(db, "person.deactivated", {"employee_id": "E1"})
    db.flush()
    delivery = WebhookDelivery(
        subscription_id=second.id, event_id=event.id, status=FAILED, next_try_at=clock.now()
    )
    db.add(delivery)
    db.commit()
    path = f"{PAGE}/{first.id}/deliveries/{delivery.id}/send-again"
    assert "has not failed" in client.get(_post(client, path).location).text
    db.rollback()
    assert db.get(WebhookDelivery, delivery.id).status == FAILED
