"""A small company with something behind every kind of URL, and clients signed in as each role.

The security tests walk the app's url_map; every URL argument gets a value naming a real
object of this world, so a route is reached, not just refused as "no such thing"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.routing import Rule

from lms.assignments.services import RuleSpec, create_rule
from lms.authoring.services import start_draft
from lms.learning.models import Enrollment
from lms.learning.quiz import start_attempt
from lms.mail.outbox import Draft, enqueue
from lms.mail.render import Rendered
from lms.people.models import Employee
from lms.precheck.services import save_draft
from tests.helpers import sign_in

ROLES = ("anonymous", "employee", "manager", "hr")
PERSON_OF_ROLE = {"employee": "staff", "manager": "lead", "hr": "hr"}
COURSE = "social-media-essentials"
Org = dict[str, Employee]


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
    }


def path_of(rule: Rule, arguments: dict[str, Any]) -> str:
    """The rule's URL with every argument filled in; fails on an argument nobody named."""
    missing = rule.arguments - arguments.keys()
    assert not missing, f"{rule.rule}: add a value for {sorted(missing)} to url_arguments"
    return rule.build({name: arguments[name] for name in rule.arguments}, append_unknown=False)[1]


def routes(app: Flask, method: str) -> list[Rule]:
    """Every rule of the url_map that answers `method`, in a stable order."""
    found = [rule for rule in app.url_map.iter_rules() if method in (rule.methods or ())]
    return sorted(found, key=lambda rule: (rule.rule, rule.endpoint))


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
