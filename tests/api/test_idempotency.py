"""Idempotency-Key on the API's writes: a repeat is answered from the first call, a key
reused for another request or still in flight is refused, and keys expire after a day."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from lms import clock
from lms.api.idempotency_keys import Fingerprint, KeyInFlight, claim, release
from lms.api.models import IdempotencyKey
from lms.dbsession import database
from lms.webhooks.models import WebhookSubscription
from tests.api.conftest import caller, get_token

WRITE = ["write:webhooks"]
HOOK = {"url": "https://hooks.example.com/postwise", "events": ["person.deactivated"]}
BODY = json.dumps(HOOK)


@pytest.fixture
def writer(app, make_client):
    return make_client(scopes=WRITE)


def _post(call, key, body=BODY, path="/webhooks"):
    return call(
        "POST", path, headers={"Idempotency-Key": key}, data=body, content_type="application/json"
    )


def _subscriptions(db) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(WebhookSubscription))


def test_a_repeat_gets_the_first_answer_and_changes_nothing(app, db, writer):
    call = caller(app, writer)
    first = _post(call, "3f1c0a2e-key-1")
    again = _post(call, "3f1c0a2e-key-1")
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()  # the secret too: the caller may have lost it
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert again.mimetype == "application/json"
    assert _subscriptions(db) == 1
    other = _post(call, "3f1c0a2e-key-2")  # a new key is a new request
    assert other.status_code == 201 and other.get_json()["id"] != first.get_json()["id"]
    assert _subscriptions(db) == 2


def test_a_quoted_key_is_the_same_key(app, db, writer):
    call = caller(app, writer)
    _post(call, "abc-123")
    assert _post(call, '"abc-123"').headers["Idempotent-Replayed"] == "true"
    assert _subscriptions(db) == 1


def test_a_refusal_is_kept_and_replayed_too(app, db, writer):
    call = caller(app, writer)
    bad = json.dumps({**HOOK, "url": "ftp://nowhere.example.com"})
    first = _post(call, "bad-1", bad)
    again = _post(call, "bad-1", bad)
    assert first.status_code == again.status_code == 422
    assert again.get_json() == first.get_json()
    assert again.mimetype == "application/problem+json"
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _subscriptions(db) == 0


def test_a_key_reused_for_another_request_is_refused(app, db, writer):
    call = caller(app, writer)
    _post(call, "k-1")
    other_body = json.dumps({**HOOK, "url": "https://elsewhere.example.com/in"})
    for refused in (_post(call, "k-1", other_body), _post(call, "k-1", path="/webhooks?x=1")):
        assert refused.status_code == 422
        assert refused.mimetype == "application/problem+json"
        assert list(refused.get_json()["errors"]) == ["Idempotency-Key"]
        assert "POST /api/v1/webhooks" in refused.get_json()["detail"]
    assert _subscriptions(db) == 1


def test_keys_belong_to_their_client(app, db, make_client):
    first, second = caller(app, make_client(scopes=WRITE)), caller(app, make_client(scopes=WRITE))
    assert _post(first, "shared").status_code == 201
    answer = _post(second, "shared")
    assert answer.status_code == 201 and "Idempotent-Replayed" not in answer.headers
    assert _subscriptions(db) == 2


def _in_flight(db, writer, key, age=timedelta(0)):
    fingerprint = Fingerprint.of("POST", "/api/v1/webhooks", BODY.encode())
    db.add(
        IdempotencyKey(
            client_id=writer.client.id,
            key=key,
            method=fingerprint.method,
            path=fingerprint.path,
            request_digest=fingerprint.request_digest,
            created_at=clock.now() - age,
        )
    )
    db.commit()


def test_a_repeat_while_the_first_is_in_flight_gets_409(app, db, writer):
    _in_flight(db, writer, "busy")
    refused = _post(caller(app, writer), "busy")
    assert refused.status_code == 409
    assert refused.mimetype == "application/problem+json"
    assert "still being handled" in refused.get_json()["detail"]
    assert refused.headers["Retry-After"] == "1"
    assert _subscriptions(db) == 0


def test_a_claim_left_by_a_call_that_died_is_taken_over(app, db, writer):
    _in_flight(db, writer, "orphan", age=timedelta(minutes=11))
    assert _post(caller(app, writer), "orphan").status_code == 201
    assert _subscriptions(db) == 1


def test_the_unique_constraint_decides_between_two_claims(app, db, writer):
    fingerprint = Fingerprint.of("POST", "/api/v1/webhooks", b"{}")
    claim(db, writer.client.id, "race", fingerprint)
    db.commit()
    with database(app).sessions() as other, pytest.raises(KeyInFlight):
        claim(other, writer.client.id, "race", fingerprint)
    assert db.scalar(select(func.count()).select_from(IdempotencyKey)) == 1


@pytest.mark.parametrize(
    "key", ["", "x" * 256, "has space", 'quo"te', "caf\u00e9", "back\\slash", '"unclosed']
)
def test_a_malformed_key_is_refused_before_anything_happens(app, db, writer, key):
    refused = _post(caller(app, writer), key)
    assert refused.status_code == 400
    assert refused.mimetype == "application/problem+json"
    assert list(refused.get_json()["errors"]) == ["Idempotency-Key"]
    assert "1 to 255 visible ASCII characters" in refused.get_json()["detail"]
    assert _subscriptions(db) == 0


def test_keys_expire_after_a_day_and_purge_deletes_them(app, db, writer, runner):
    call = caller(app, writer)
    _post(call, "old")
    clock.advance(timedelta(hours=23))
    _post(call, "young")
    assert _post(call, "old").headers["Idempotent-Replayed"] == "true"
    clock.advance(timedelta(hours=1, seconds=1))
    expired = _post(call, "old")  # a day on, the key is forgotten: a new request
    assert expired.status_code == 201 and "Idempotent-Replayed" not in expired.headers
    assert _subscriptions(db) == 3
    clock.advance(timedelta(hours=23))
    result = runner.invoke(args=["api", "purge"])
    assert result.exit_code == 0, result.output
    assert "deleted 1 idempotency key older than 24 hours" in result.output
    db.rollback()
    assert db.scalars(select(IdempotencyKey.key)).all() == ["old"]


def test_a_released_key_may_be_used_again(app, db, writer):
    """What a 5xx does: the key is given back, so the client's retry is done anew."""
    fingerprint = Fingerprint.of("POST", "/api/v1/webhooks", b"{}")
    claim_id, _ = claim(db, writer.client.id, "retry", fingerprint)
    release(db, claim_id)
    db.commit()
    assert claim(db, writer.client.id, "retry", fingerprint)[1] is None


def test_a_long_query_is_part_of_the_request(app, db, writer):
    call = caller(app, writer)
    long_query = "/webhooks?" + "x" * 600
    assert _post(call, "long", path=long_query).status_code == 201
    assert _post(call, "long", path=long_query).headers["Idempotent-Replayed"] == "true"
    assert _post(call, "long", path=long_query + "y").status_code == 422
    assert _subscriptions(db) == 1


def test_two_calls_at_once_with_one_key_do_the_write_once(app, db, writer, live_api):
    """Two threads against a real server: one call is done, the other hears 409 or gets
    the replay; never two subscriptions."""
    token = get_token(app, writer).get_json()["access_token"]
    headers = {
        "Authorization": f"Bearer {token}",
        "Idempotency-Key": "together",
        "Content-Type": "application/json",
    }
    start = threading.Barrier(2)
    statuses: list[int] = []

    def post() -> None:
        start.wait()
        answer = requests.post(
            f"{live_api}/api/v1/webhooks", data=BODY, headers=headers, timeout=30
        )
        statuses.append(answer.status_code)

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert 201 in statuses and set(statuses) <= {201, 409} and len(statuses) == 2
    assert _subscriptions(db) == 1


def test_the_contract_offers_the_header_on_every_write(app):
    paths = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    writes = [
        paths["/api/v1/people"]["post"],
        paths["/api/v1/people/{person_id}"]["patch"],
        paths["/api/v1/webhooks"]["post"],
    ]
    for operation in writes:
        headers = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
        assert headers == ["Idempotency-Key"]
        assert "409" in operation["responses"]
