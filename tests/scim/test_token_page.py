"""HR's SCIM page: a token is shown once and kept hashed, revoking asks first, all audited."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.scim.models import ScimToken
from tests.helpers import csrf_token

SHOWN = re.compile(r'<code class="secret">(pwscim_[A-Za-z0-9_-]+)</code>')


def test_create_shows_the_token_once_and_stores_only_its_hash(login, org, db, app):
    client = login(org["hr"])
    page = client.post(
        "/admin/scim/tokens", data={"csrf_token": csrf_token(client, "/admin/scim"), "name": "Okta"}
    )
    assert page.status_code == 200
    secret = SHOWN.search(page.text).group(1)
    token = db.scalar(select(ScimToken))
    assert token.name == "Okta" and token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    again = client.get("/admin/scim").text
    assert secret not in again and "Okta" in again and "Never" in again
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "scim.token_created"))
    assert event.actor_id == org["hr"].id and secret not in (event.target + (event.after or ""))
    # The token works on the SCIM API, and the page then lists the call.
    api = app.test_client().get("/scim/v2/Users", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200
    assert "GET /scim/v2/Users" in client.get("/admin/scim").text


def test_a_token_needs_a_name(login, org, db):
    client = login(org["hr"])
    page = client.post(
        "/admin/scim/tokens", data={"csrf_token": csrf_token(client, "/admin/scim"), "name": " "}
    )
    assert page.status_code == 400
    assert "Give the token a name" in page.text
    assert db.scalar(select(ScimToken)) is None


def test_revoking_asks_first_then_stops_the_token(login, org, db, app, token):
    client = login(org["hr"])
    token_id = db.scalar(select(ScimToken.id))
    form = {"csrf_token": csrf_token(client, "/admin/scim")}
    asked = client.post(f"/admin/scim/tokens/{token_id}/revoke", data=form)
    assert asked.status_code == 200 and "Revoke the token “Entra ID”?" in asked.text
    assert (
        app.test_client()
        .get("/scim/v2/Users", headers={"Authorization": f"Bearer {token}"})
        .status_code
        == 200
    )
    done = client.post(f"/admin/scim/tokens/{token_id}/revoke", data={**form, "confirmed": "yes"})
    assert done.status_code == 302
    db.rollback()
    assert db.scalar(select(ScimToken.revoked_at)) is not None
    assert (
        app.test_client()
        .get("/scim/v2/Users", headers={"Authorization": f"Bearer {token}"})
        .status_code
        == 401
    )
    assert "Revoked" in client.get("/admin/scim").text
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == org["hr"].id))
    assert list(actions) == ["scim.token_revoked"]
