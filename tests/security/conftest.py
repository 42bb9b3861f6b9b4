"""A small company with something behind every kind of URL, and clients signed in as each role.

The security tests walk the app's url_map; every URL argument gets a value naming a real
object of this world, so a route is reached, not just refused as "no such thing"."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from lms.assignments.services import RuleSpec, create_rule
from lms.authoring.services import start_draft
from lms.learning.quiz import start_attempt
from lms.mail.outbox import Draft, enqueue
from lms.mail.render import Rendered
from lms.precheck.services import save_draft
from tests.helpers import sign_in
from tests.security.crawl import COURSE, Org

ROLES = ("anonymous", "employee", "manager", "hr")
PERSON_OF_ROLE = {"employee": "staff", "manager": "lead", "hr": "hr"}


@pytest.fixture
def world(org: Org, shipped_courses, enrol, db: Session) -> Org:
    """conftest's org, enrolled, with a rule, a course draft, a quiz attempt, a practice draft
    and a queued email: each id-taking route has an object to find."""
    for person in ("staff", "staff2", "lead", "hr"):
        enrol(org[person], shipped_courses[COURSE])
    create_rule(db, RuleSpec(COURSE, "departments", ("Sales",)), actor_id=None)
    start_draft(db, COURSE)
    start_attempt(db, org["staff"].id, COURSE)
    save_draft(db, org["staff"].id, "A practice post about our launch.", [])
    enqueue(
        db,
        [
            Draft(
                key="security-test",
                kind="assigned",
                to_address=org["staff"].email,
                employee_id=org["staff"].id,
                content=Rendered(subject="A course for you", text="Hello", html="<p>Hello</p>"),
            )
        ],
        sender="Postwise <postwise@example.com>",
    )
    db.commit()
    return org


@pytest.fixture
def client_as(app: Flask, world: Org) -> Callable[[str], FlaskClient]:
    """A new client signed in as the role's person (anonymous: not signed in)."""

    def make(role: str) -> FlaskClient:
        client = app.test_client()
        if role in PERSON_OF_ROLE:
            response = sign_in(client, world[PERSON_OF_ROLE[role]].email)
            assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return make
