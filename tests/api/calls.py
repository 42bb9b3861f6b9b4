"""Calling the API as one client in the tests of its reads: a fresh token for every call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from werkzeug.test import TestResponse

from lms.api.clients import NewClient
from tests.api.conftest import get_token

BASE = "http://postwise.test/api/v1"


def caller(app: Flask, new: NewClient) -> Callable[..., TestResponse]:
    """GET an API path as this client: call("/courses", If_None_Match=…)."""
    client = app.test_client()

    def call(path: str, **headers: Any) -> TestResponse:
        access = get_token(app, new).get_json()["access_token"]
        headers.setdefault("Authorization", f"Bearer {access}")
        return client.get(f"/api/v1{path.removeprefix(BASE)}", headers=headers)

    return call


def walk(call: Callable[..., TestResponse], path: str) -> list[dict]:
    """Every row of every page, following the next links."""
    rows: list[dict] = []
    link: str | None = path
    while link:
        response = call(link)
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        rows += body["data"]
        link = body["next"]
    return rows


def assert_problem(response: TestResponse, status: int, *words: str) -> dict:
    """The response is a problem of this status whose detail says each of `words`."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    for word in words:
        assert word in body["detail"]
    return body
