"""Walking the url_map: a path for every rule, filled with objects of the security tests'
world, and a record of every write the app makes while a block runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import Connection, event, func, select
from sqlalchemy.orm import Session
from werkzeug.routing import Rule

from lms.db import Base
from lms.dbsession import database
from lms.learning.models import Enrollment
from lms.people.models import Employee

COURSE = "social-media-essentials"
WRITES = ("INSERT", "UPDATE", "DELETE", "MERGE")
Org = dict[str, Employee]


def url_arguments(db: Session, world: Org) -> dict[str, Any]:
    """A value for every URL argument name the app uses, each naming an object of `world`."""
    enrollment = db.scalars(
        select(Enrollment.id).where(Enrollment.employee_id == world["staff"].id)
    ).first()
    return {
        "slug": COURSE,
        "lesson_slug": "why-professionals-post",
        "key": "angry-manager-post",
        "rule_id": 1,
        "token": "not-a-token",
        "number": 1,
        "code": "NOT-A-CODE",
        "employee_id": world["staff"].id,
        "enrollment_id": enrollment,
        "message_id": 1,
        "draft_id": 1,
        "filename": "css/app.css",
        "token_id": 1,
        "client_id": 1,
        "subscription_id": 1,
        "delivery_id": 1,
        "person_id": world["staff"].id,
        "name": "User",
        "schema_id": "urn:ietf:params:scim:schemas:core:2.0:User",
        "scim_id": world["staff"].id,
        "unknown": "Groups",
        "language": "de",
    }


# The SCIM API (lms/scim/views.py) is exempt from CSRF on purpose: identity providers call it
# with a bearer token in the Authorization header, no cookie and no browser, so there is no
# session to forge. Without the token it refuses every call with 401 before doing anything.
# The REST API (lms/api) likewise: bearer tokens only (cookies never authorise it), and its
# token endpoint takes client credentials, answering 400 without them.
CSRF_EXEMPT_PREFIX = ("scim.", "api.", "api_token.")


def token_authenticated(endpoint: str) -> bool:
    """Whether an endpoint is a token-authenticated API (no CSRF, 401 without a token)."""
    return endpoint.startswith(CSRF_EXEMPT_PREFIX)


def path_of(rule: Rule, arguments: dict[str, Any]) -> str:
    """The rule's URL with every argument filled in; fails on an argument nobody named."""
    missing = rule.arguments - arguments.keys()
    assert not missing, f"{rule.rule}: add a value for {sorted(missing)} to url_arguments"
    return rule.build({name: arguments[name] for name in rule.arguments}, append_unknown=False)[1]


def routes(app: Flask, method: str) -> list[Rule]:
    """Every rule of the url_map that answers `method`, in a stable order."""
    found = [rule for rule in app.url_map.iter_rules() if method in (rule.methods or ())]
    return sorted(found, key=lambda rule: (rule.rule, rule.endpoint))


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
