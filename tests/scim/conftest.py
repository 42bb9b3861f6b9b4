"""A SCIM token and a client that sends it, for the SCIM tests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.serving import make_server
from werkzeug.test import TestResponse

from lms.scim.tokens import create_token

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@pytest.fixture
def token(db: Session) -> str:
    new = create_token(db, "Entra ID", actor_id=None)
    db.commit()
    return new.secret


@pytest.fixture
def scim(app: Flask, token: str) -> Callable[..., TestResponse]:
    """Call the SCIM API with the token: scim("POST", "/Users", json=...)."""
    client = app.test_client()

    def call(method: str, path: str, *, json: Any = None, **headers: str) -> TestResponse:
        headers.setdefault("Authorization", f"Bearer {token}")
        return client.open(
            f"/scim/v2{path}",
            method=method,
            json=json,
            headers={k.replace("_", "-"): v for k, v in headers.items()},
        )

    return call


def new_user(hris_id: str = "E100", email: str = "ada@example.com", **extra: Any) -> dict:
    """A SCIM User as Entra ID sends one."""
    body = {
        "schemas": [USER, ENTERPRISE],
        "userName": email,
        "externalId": hris_id,
        "active": True,
        "name": {"givenName": "Ada", "familyName": "Lovelace"},
        "title": "Analyst",
        "emails": [{"value": email, "type": "work", "primary": True}],
        ENTERPRISE: {"department": "Finance"},
    }
    body.update(extra)
    return body


def patch(*operations: dict) -> dict:
    return {"schemas": [PATCH], "Operations": list(operations)}


@pytest.fixture
def live_scim(app: Flask) -> Iterator[str]:
    """The app served by werkzeug on a free loopback port, as a real provider reaches it;
    yields the SCIM base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/scim/v2"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
