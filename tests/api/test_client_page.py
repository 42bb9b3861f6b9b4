"""HR's API clients page: the secret is shown once and kept hashed, bad input changes
nothing and says where, revoking asks first; all audited."""

from __future__ import annotations

import re

from sqlalchemy import select

from lms.api.models import ApiClient, digest
from lms.audit.models import AuditEvent
from tests.helpers import csrf_token

SECRET = re.compile(r'<code class="secret">(pwapi_secret_[A-Za-z0-9_-]+)</code>')
CLIENT_ID = re.compile(r"Client id: <code>(pwapi_client_[0-9a-f]+)</code>")
PAGE = "/admin/api-clients"


def _create(client, **fields):
    data = {
        "csrf_token": csrf_token(client, PAGE),
        "name": "Power BI",
        "scopes": ["read:completions"],
    }
    data.update(fields)
    return client.post(PAGE, data=data)


def test_create_shows_the_secret_once_and_it_gets_a_token(login, org, db, app):
    client = login(org["hr"])
    page = _create(client, manager_email=org["lead"].email)
    assert page.status_code == 200
    secret, client_id = SECRET.search(page.text).group(1), CLIENT_ID.search(page.text).group(1)
    stored = db.scalar(select(ApiClient))
    assert stored.secret_hash == digest(secret) and stored.manager_id == org["lead"].id
    again = client.get(PAGE).text
    assert (
        secret not in again and "Power BI" in again and f"The line of {org['lead'].email}" in again
    )
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "api.client_created"))
    assert event.actor_id == org["hr"].id and secret not in event.target
    token = app.test_client().post(
        "/api/v1/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
    )
    assert token.status_code == 200
    assert "POST /api/v1/token" in client.get(PAGE).text


def test_a_client_needs_a_name_and_a_permission(login, org, db):
    client = login(org["hr"])
    page = _create(client, name=" ", scopes=[])
    assert page.status_code == 400
    assert "Give the client a name" in page.text
    assert "Choose at least one permission." in page.text
    assert db.scalar(select(ApiClient)) is None


def test_an_unknown_manager_is_named_on_the_field(login, org, db):
    client = login(org["hr"])
    page = _create(client, manager_email="nobody@example.com")
    assert page.status_code == 400
    assert "Nobody has the address nobody@example.com." in page.text
    assert db.scalar(select(ApiClient)) is None


def test_revoking_asks_first_then_stops_the_client(login, org, db, app):
    client = login(org["hr"])
    page = _create(client)
    secret, client_id = SECRET.search(page.text).group(1), CLIENT_ID.search(page.text).group(1)
    stored_id = db.scalar(select(ApiClient.id))
    form = {"csrf_token": csrf_token(client, PAGE)}
    asked = client.post(f"{PAGE}/{stored_id}/revoke", data=form)
    assert asked.status_code == 200 and "Revoke the API client “Power BI”?" in asked.text
    db.rollback()
    assert db.scalar(select(ApiClient.revoked_at)) is None
    done = client.post(f"{PAGE}/{stored_id}/revoke", data={**form, "confirmed": "yes"})
    assert done.status_code == 302
    db.rollback()
    assert db.scalar(select(ApiClient.revoked_at)) is not None
    token = app.test_client().post(
        "/api/v1/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
    )
    assert token.status_code == 401
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == org["hr"].id))
    assert list(actions) == ["api.client_created", "api.client_revoked"]
