"""`lms webhooks send` against a real HTTP receiver on loopback: signatures, retries, races."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms import clock
from lms.dbsession import database
from lms.events import KINDS, DomainEvent, record_event
from lms.learning.services import acknowledge_guideline
from lms.webhooks.delivery import WEBHOOK_RETRIES, send_due
from lms.webhooks.models import WebhookDelivery
from lms.webhooks.subscriptions import add_subscription

GUIDELINE = "social-media-guideline"


def subscribe(db, url, kinds=KINDS):
    added = add_subscription(db, url, list(kinds), production=False)
    db.commit()
    return added.secret


def send(app):
    return send_due(database(app).sessions, policy=WEBHOOK_RETRIES)


def deliveries(db):
    db.rollback()  # a fresh snapshot: the senders committed in their own sessions
    return list(db.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_an_acknowledgement_arrives_signed_with_every_event_it_caused(
    app, db, org, shipped_courses, enrol, receiver
):
    receiver.up()
    secret = subscribe(db, receiver.url)
    enrol(org["staff"], shipped_courses[GUIDELINE])
    acknowledge_guideline(db, org["staff"].id, shipped_courses[GUIDELINE], None)
    db.commit()
    summary = send(app)
    assert (summary.delivered, summary.retrying, summary.failed) == (3, 0, 0)
    kinds = [r.headers["Postwise-Event"] for r in receiver.received]
    assert sorted(kinds) == ["attestation.recorded", "certificate.issued", "enrollment.completed"]
    for received in receiver.received:
        timestamp = received.headers["Postwise-Timestamp"]
        assert int(timestamp) == int(clock.now().timestamp())
        expected = hmac.new(
            secret.encode(), f"{timestamp}.".encode() + received.body, hashlib.sha256
        ).hexdigest()
        assert hmac.compare_digest(received.headers["Postwise-Signature"], f"v1={expected}")
        body = json.loads(received.body)
        assert body["type"] == received.headers["Postwise-Event"]
        assert body["data"]["person"] == {
            "id": org["staff"].id,
            "employee_id": org["staff"].hris_id,
            "email": org["staff"].email,
        }
        assert body["data"]["course"] == {"slug": GUIDELINE, "version": 1}
    assert len({json.loads(r.body)["id"] for r in receiver.received}) == 3
    assert {d.status for d in deliveries(db)} == {"delivered"}
    assert send(app).delivered == 0  # nothing is posted twice


def test_a_tampered_body_does_not_verify(app, db, receiver):
    receiver.up()
    secret = subscribe(db, receiver.url)
    record_event(db, "person.deactivated", {"person": {"id": 1}})
    db.commit()
    send(app)
    [received] = receiver.received
    timestamp = received.headers["Postwise-Timestamp"]
    forged = received.body.replace(b'"id":1', b'"id":2')
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + forged, hashlib.sha256)
    assert received.headers["Postwise-Signature"] != f"v1={expected.hexdigest()}"


def test_down_then_500_then_200_is_tried_three_times_with_growing_waits(app, db, receiver):
    subscribe(db, receiver.url)
    record_event(db, "person.deactivated", {"person": {"id": 1}})
    db.commit()
    first = send(app)  # port closed
    [delivery] = deliveries(db)
    assert (first.retrying, delivery.attempts, delivery.status_code) == (1, 1, None)
    assert delivery.last_error == "Could not reach the receiver: ConnectionError."
    assert delivery.next_try_at == clock.now() + timedelta(minutes=1)
    receiver.answers = [500]
    receiver.up()
    clock.advance(timedelta(seconds=59))
    assert send(app).retrying == 0  # not due yet
    assert receiver.received == []
    clock.advance(timedelta(seconds=1))
    send(app)
    [delivery] = deliveries(db)
    assert (delivery.attempts, delivery.status_code, delivery.status) == (2, 500, "queued")
    assert delivery.last_error == "The receiver answered 500."
    assert delivery.next_try_at == clock.now() + timedelta(minutes=2)
    clock.advance(timedelta(minutes=2))
    assert send(app).delivered == 1
    [delivery] = deliveries(db)
    assert (delivery.attempts, delivery.status_code, delivery.status) == (3, 200, "delivered")
    assert delivery.delivered_at == clock.now()
    assert len(receiver.received) == 2  # the 500 and the 200: delivered once
    send(app)
    assert len(receiver.received) == 2


def test_waits_double_up_to_six_hours_and_it_gives_up(app, db, receiver):
    subscribe(db, receiver.url)
    record_event(db, "person.deactivated", {"person": {"id": 1}})
    db.commit()
    policy = WEBHOOK_RETRIES
    assert [policy.delay(n) for n in (1, 2, 3, 9, 10)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(minutes=256),
        timedelta(hours=6),
    ]
    for _ in range(12):
        send(app)
        clock.advance(timedelta(hours=6))
    [delivery] = deliveries(db)
    assert (delivery.status, delivery.attempts) == ("failed", 12)
    clock.advance(timedelta(days=1))
    send(app)
    assert deliveries(db)[0].attempts == 12


def test_an_event_from_a_rolled_back_transaction_is_never_delivered(app, db, receiver):
    receiver.up()
    subscribe(db, receiver.url)
    record_event(db, "person.deactivated", {"person": {"id": 1}})
    db.rollback()
    assert send(app).delivered == 0
    assert receiver.received == []
    assert db.scalar(select(DomainEvent.id)) is None


def test_only_chosen_events_and_none_from_before_the_subscription(app, db, receiver):
    receiver.up()
    record_event(db, "person.deactivated", {"person": {"id": 1}})
    db.commit()
    clock.advance(timedelta(seconds=1))
    subscribe(db, receiver.url, ["person.deactivated"])
    record_event(db, "certificate.issued", {"person": {"id": 1}})
    record_event(db, "person.deactivated", {"person": {"id": 2}})
    db.commit()
    send(app)
    [received] = receiver.received
    assert json.loads(received.body)["data"] == {"person": {"id": 2}}


def test_two_senders_at_once_deliver_each_event_once(app, db, receiver):
    receiver.up()
    subscribe(db, receiver.url)
    for n in range(30):
        record_event(db, "person.deactivated", {"person": {"id": n}})
    db.commit()
    start = threading.Barrier(2)
    results = []

    def run() -> None:
        start.wait()
        results.append(send_due(database(app).sessions, policy=WEBHOOK_RETRIES, batch_size=2))

    senders = [threading.Thread(target=run) for _ in range(2)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(timeout=60)
    ids = Counter(r.headers["Postwise-Delivery"] for r in receiver.received)
    assert len(ids) == 30
    assert set(ids.values()) == {1}
    assert sum(result.delivered for result in results) == 30
    assert {d.status for d in deliveries(db)} == {"delivered"}


@pytest.mark.parametrize("kinds", [["enrollment.completed"]])
def test_the_cli_subscribes_and_sends(runner, db, receiver, kinds):
    receiver.up()
    added = runner.invoke(args=["webhooks", "add", receiver.url, "--event", kinds[0]])
    assert added.exit_code == 0, added.output
    assert "Signing secret (copy it now, it is not shown again): whsec_" in added.output
    record_event(db, "enrollment.completed", {"person": {"id": 1}})
    db.commit()
    sent = runner.invoke(args=["webhooks", "send"])
    assert "Webhooks: delivered 1, will retry 0, failed 0." in sent.output
    assert len(receiver.received) == 1


def test_purge_forgets_old_finished_events_and_keeps_those_still_tried(runner, app, db, receiver):
    subscribe(db, receiver.url)
    for person in (1, 2):
        record_event(db, "person.deactivated", {"person": {"id": person}})
    db.commit()
    receiver.answers = [200, 500]
    receiver.up()
    send(app)  # one delivered, one to be tried again
    assert sorted(d.status for d in deliveries(db)) == ["delivered", "queued"]
    clock.advance(timedelta(days=91))
    quiet = runner.invoke(args=["webhooks", "purge", "--older-than-days", "100"])
    assert "deleted 0 events older than 100 days" in quiet.output
    purged = runner.invoke(args=["webhooks", "purge"])
    assert "Webhooks: deleted 1 event older than 90 days." in purged.output, purged.output
    [left] = deliveries(db)
    assert left.status == "queued"
    assert len(list(db.scalars(select(DomainEvent)))) == 1
    refused = runner.invoke(args=["webhooks", "purge", "--older-than-days", "3"])
    assert refused.exit_code != 0 and "3 is not in the range x>=7" in refused.output
