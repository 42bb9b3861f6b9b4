"""Walk the url_map: no POST works without a CSRF token, no GET writes, no page fails.

Routes are found, not listed, so a route added tomorrow is covered by these tests too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, event, func, select
from sqlalchemy.orm import Session

from lms.db import Base
from lms.dbsession import database
from tests.helpers import csrf_token
from tests.security.conftest import ROLES, Org, path_of, routes, url_arguments

WRITES = ("INSERT", "UPDATE", "DELETE", "MERGE")
DOWNLOAD_TYPES = ("text/csv", "application/", "text/yaml")  # what a browser saves as a file
JSON = "application/json"  # the health check's answer, read by machines


@contextmanager
def writes_recorded(app: Flask) -> Iterator[list[str]]:
    """Every row any session flushes and every write statement sent, while the block runs."""
    seen: list[str] = []

    def flushed(session: Session, _context: Any) -> None:
        for state, rows in (
            ("new", session.new),
            ("dirty", session.dirty),
            ("deleted", session.deleted),
        ):
            seen.extend(f"flushed {state} {type(row).__name__}" for row in rows)

    def executed(_conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(WRITES):
            seen.append(statement.split("\n", 1)[0])

    engine = database(app).engine
    event.listen(Session, "after_flush", flushed)
    event.listen(engine, "before_cursor_execute", executed)
    try:
        yield seen
    finally:
        event.remove(Session, "after_flush", flushed)
        event.remove(engine, "before_cursor_execute", executed)


def row_counts(db: Session) -> dict[str, int]:
    db.rollback()
    return {
        table.name: db.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }


@pytest.mark.parametrize("role", ROLES)
def test_no_post_is_accepted_without_a_csrf_token(
    app: Flask, world: Org, db: Session, client_as: Callable[[str], FlaskClient], role: str
):
    arguments = url_arguments(db, world)
    client = client_as(role)  # signed in before recording: signing in writes, on purpose
    before = row_counts(db)
    outcomes = {}
    with writes_recorded(app) as writes:
        for rule in routes(app, "POST"):
            response = client.post(path_of(rule, arguments), data={"csrf_token": "forged"})
            outcomes[rule.endpoint] = response.status_code
            bare = client.post(path_of(rule, arguments))
            outcomes[rule.endpoint + " (no token)"] = bare.status_code
    assert len(outcomes) >= 60, "the crawl found too few POST routes"
    assert {endpoint for endpoint, status in outcomes.items() if status != 400} == set()
    assert writes == []
    assert row_counts(db) == before


@pytest.mark.parametrize("role", ROLES)
def test_no_get_writes_to_the_database_or_fails(
    app: Flask, world: Org, db: Session, client_as: Callable[[str], FlaskClient], role: str
):
    arguments = url_arguments(db, world)
    client = client_as(role)
    before = row_counts(db)
    statuses = {}
    with writes_recorded(app) as writes:
        for rule in routes(app, "GET"):
            response = client.get(path_of(rule, arguments))
            statuses[rule.endpoint] = response.status_code
            response.close()
    assert len(statuses) >= 45, "the crawl found too few GET routes"
    assert {endpoint: s for endpoint, s in statuses.items() if s >= 500} == {}
    assert writes == []
    assert row_counts(db) == before
    if role != "anonymous":
        assert statuses["home.index"] == 200, "the crawl was not signed in"


@pytest.mark.parametrize("role", ["employee", "manager", "hr"])
def test_every_download_is_an_attachment_that_is_not_kept(
    app: Flask, world: Org, db: Session, client_as: Callable[[str], FlaskClient], role: str
):
    """Whatever a GET serves that is not a page (CSV, XLSX, ZIP, PDF, YAML) is saved by the
    browser under a name the server made, and no cache along the way keeps a copy."""
    arguments = url_arguments(db, world)
    client = client_as(role)
    downloads = {}
    for rule in routes(app, "GET"):
        if rule.endpoint == "static":
            continue
        response = client.get(path_of(rule, arguments))
        kind = response.mimetype
        if response.status_code == 200 and kind.startswith(DOWNLOAD_TYPES) and kind != JSON:
            downloads[rule.endpoint] = (
                response.headers.get("Content-Disposition", ""),
                response.headers.get("Cache-Control", ""),
            )
        response.close()
    if role == "hr":
        assert len(downloads) >= 5, f"too few downloads found: {sorted(downloads)}"
    for endpoint, (disposition, cache) in downloads.items():
        assert disposition.startswith('attachment; filename="'), endpoint
        assert "no-store" in cache, endpoint


def test_a_valid_token_is_what_makes_a_post_work(
    app: Flask, world: Org, client_as: Callable[[str], FlaskClient]
):
    """The refusals above are the CSRF check's doing: with the page's token the same post is
    accepted."""
    client = client_as("employee")
    token = csrf_token(client, "/")
    assert client.post("/sign-out", data={"csrf_token": "forged"}).status_code == 400
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 302
