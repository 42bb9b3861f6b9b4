"""API clients, their tokens and a caller that sends one, for the API tests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.serving import make_server
from werkzeug.test import TestResponse

from lms.api.clients import NewClient, create_client
from lms.api.scopes import READ_COMPLETIONS

ALL = [READ_COMPLETIONS, "read:people"]


@pytest.fixture
def make_client(db: Session) -> Callable[..., NewClient]:
    """Create and commit an API client, as HR does on the page."""

    def make(
        name: str = "Workday", scopes: list[str] | None = None, manager: str = ""
    ) -> NewClient:
        new = create_client(db, name, scopes or ALL, manager, actor_id=None)
        db.commit()
        return new

    return make


def get_token(app: Flask, new: NewClient, **extra: str) -> TestResponse:
    """POST the client's credentials to the token endpoint (HTTP Basic, as RFC 6749 prefers)."""
    return app.test_client().post(
        "/api/v1/token",
        data={"grant_type": "client_credentials", **extra},
        auth=(new.client.client_id, new.secret),
    )


@pytest.fixture
def api(app: Flask, make_client: Callable[..., NewClient]) -> Callable[..., TestResponse]:
    """GET an API path as an everyone-scoped client: api("/completions"). Each call gets a
    fresh token, so tests may move the clock past a token's hour."""
    new = make_client()
    client = app.test_client()

    def call(path: str, **headers: Any) -> TestResponse:
        access = get_token(app, new).get_json()["access_token"]
        headers.setdefault("Authorization", f"Bearer {access}")
        return client.get(f"/api/v1{path}" if path.startswith("/") else path, headers=headers)

    return call


def caller(app: Flask, new: NewClient) -> Callable[..., TestResponse]:
    """Call the API as this client with any method: call("POST", "/webhooks", json={...}).
    Each call gets a fresh token, as in `api`."""
    client = app.test_client()

    def call(method: str, path: str, headers: dict[str, str] | None = None, **kw: Any) -> Any:
        access = get_token(app, new).get_json()["access_token"]
        sent = {"Authorization": f"Bearer {access}", **(headers or {})}
        return client.open(f"/api/v1{path}", method=method, headers=sent, **kw)

    return call


@pytest.fixture
def live_api(app: Flask) -> Iterator[str]:
    """The app served by werkzeug on a free loopback port; yields its origin."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
