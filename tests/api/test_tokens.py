"""The OAuth2 client-credentials flow: who gets a token, and when a token stops working."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lms import clock
from lms.api.clients import revoke_client
from lms.api.models import ApiCall, ApiClient, ApiToken
from tests.api.conftest import get_token


def _bearer(app, access: str, path: str = "/api/v1/completions"):
    return app.test_client().get(path, headers={"Authorization": f"Bearer {access}"})


def test_the_right_secret_gets_a_one_hour_bearer_token_that_works(app, db, make_client):
    new = make_client()
    response = get_token(app, new)
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert set(body["scope"].split()) == {"read:completions", "read:people"}
    assert _bearer(app, body["access_token"]).status_code == 200
    # Only hashes are kept, of the secret and of the token.
    stored = db.scalar(select(ApiToken))
    assert body["access_token"] not in (stored.token_hash, stored.scopes)
    assert new.secret != db.scalar(select(ApiClient.secret_hash))


def test_the_secret_in_the_form_body_works_too(app, make_client):
    new = make_client()
    response = app.test_client().post(
        "/api/v1/token",
        data={
            "grant_type": "client_credentials",
            "client_id": new.client.client_id,
            "client_secret": new.secret,
        },
    )
    assert response.status_code == 200


def test_a_wrong_secret_gets_no_token(app, db, make_client):
    new = make_client()
    response = app.test_client().post(
        "/api/v1/token",
        data={"grant_type": "client_credentials"},
        auth=(new.client.client_id, new.secret + "x"),
    )
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"
    assert db.scalar(select(ApiToken)) is None


def test_a_client_asking_for_a_scope_it_lacks_is_refused(app, make_client):
    response = get_token(app, make_client(scopes=["read:people"]), scope="write:people")
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_scope"


def test_a_revoked_client_gets_no_token_and_its_tokens_stop_working(app, db, make_client):
    new = make_client()
    access = get_token(app, new).get_json()["access_token"]
    revoke_client(db, db.get(ApiClient, new.client.id), actor_id=None)
    db.commit()
    assert get_token(app, new).status_code == 401
    refused = _bearer(app, access)
    assert refused.status_code == 401
    assert refused.mimetype == "application/problem+json"
    assert "revoked" in refused.get_json()["detail"]


def test_a_token_expires_after_an_hour(app, make_client):
    access = get_token(app, make_client()).get_json()["access_token"]
    clock.advance(timedelta(minutes=59))
    assert _bearer(app, access).status_code == 200
    clock.advance(timedelta(minutes=1))
    response = _bearer(app, access)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_made_up_token_is_refused(app, make_client):
    make_client()
    assert _bearer(app, "pwapi_" + "x" * 40).status_code == 401
    assert _bearer(app, "not-ours").status_code == 401


def test_a_signed_in_hr_browser_without_a_token_gets_401(org, login):
    client = login(org["hr"])
    response = client.get("/api/v1/completions")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_every_call_by_a_known_client_is_logged_with_its_answer(app, db, make_client):
    new = make_client(scopes=["read:people"])
    access = get_token(app, new).get_json()["access_token"]
    _bearer(app, access)  # lacks read:completions: 403
    _bearer(app, access, "/api/v1/completions?limit=1")
    calls = db.execute(select(ApiCall.method, ApiCall.path, ApiCall.status).order_by(ApiCall.id))
    assert list(calls) == [
        ("POST", "/api/v1/token", 200),
        ("GET", "/api/v1/completions", 403),
        ("GET", "/api/v1/completions?limit=1", 403),
    ]
    db.expire_all()
    assert db.get(ApiClient, new.client.id).last_used_at == clock.now()
