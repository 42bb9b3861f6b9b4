"""Extra form fields are ignored: nobody makes themselves HR, changes their manager, revives
or retires an account, or acts for someone else by adding fields to a form they may post."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.db import Base
from lms.people.models import Employee
from lms.precheck.models import PracticeDraft
from tests.helpers import csrf_token
from tests.security.conftest import PERSON_OF_ROLE
from tests.security.crawl import Org, path_of, routes, url_arguments

GUARDED = (
    "hris_id",
    "email",
    "first_name",
    "last_name",
    "department",
    "title",
    "manager_id",
    "is_active",
    "is_hr_admin",
    "password_hash",
)


def privileged_fields(world: Org) -> dict[str, str]:
    """Every name a form might be hoped to take for a role, a manager, an account's state or
    another person."""
    outsider = str(world["outsider"].id)
    return {
        "is_hr_admin": "y",
        "hr_admin": "y",
        "role": "hr",
        "roles": "hr_admin",
        "admin": "1",
        "manager_id": outsider,
        "manager": world["outsider"].email,
        "manager_hris_id": world["outsider"].hris_id,
        "is_active": "n",
        "active": "false",
        "deactivate": "y",
        "email": "taken-over@example.com",
        "hris_id": "HIJACKED",
        "department": "Board",
        "employee_id": outsider,
        "person_id": outsider,
        "user_id": outsider,
        "password": "a-brand-new-passphrase-42",
        "session_version": "99",
    }


DRAFT = "Proud of the team today."
# What the forms a person may use need to be accepted, so that the extra fields arrive with a
# submission the view acts on, not one it turns away for a missing field.
VALID = {
    "purpose.page": {
        "business": "4",
        "community": "3",
        "learning": "3",
        "job_seeking": "0",
        "vanity": "0",
    },
    "precheck.page": {"text": DRAFT, "save": "y"},
    "mail.settings": {"weekly_digest": "y"},
}


def people(db: Session) -> dict[int, tuple[Any, ...]]:
    db.rollback()
    columns = [getattr(Employee, name) for name in GUARDED]
    return {row[0]: tuple(row[1:]) for row in db.execute(select(Employee.id, *columns))}


def rows_of(db: Session, employee_id: int) -> dict[str, int]:
    """How many rows each table holds for one person."""
    counts = {}
    for table in Base.metadata.sorted_tables:
        if "employee_id" in table.c:
            found = db.execute(select(table).where(table.c.employee_id == employee_id)).all()
            counts[table.name] = len(found)
    return counts


@pytest.mark.parametrize("role", ["employee", "manager"])
def test_posting_role_manager_or_account_fields_to_any_form_changes_nothing(
    app: Flask, world: Org, db: Session, client_as: Callable[[str], FlaskClient], role: str
):
    arguments = url_arguments(db, world)
    me_id = world[PERSON_OF_ROLE[role]].id
    before, outsider_before = people(db), rows_of(db, world["outsider"].id)
    mine_before = rows_of(db, me_id)
    answered = {}
    client = client_as(role)
    token = csrf_token(client, "/")
    # Signing out goes last, so that every other form is posted signed in.
    for rule in sorted(routes(app, "POST"), key=lambda rule: rule.endpoint == "auth.sign_out"):
        data = {"csrf_token": token, **VALID.get(rule.endpoint, {}), **privileged_fields(world)}
        answered[rule.endpoint] = client.post(path_of(rule, arguments), data=data).status_code
    assert people(db) == before
    assert rows_of(db, world["outsider"].id) == outsider_before
    accepted = {endpoint for endpoint, status in answered.items() if status in (200, 302)}
    # The forms this role may use were really posted to, not refused at the door.
    assert {"purpose.page", "precheck.page", "auth.sign_out"} <= accepted, answered
    # ... and acted on: what they saved is theirs, not the outsider's.
    assert rows_of(db, me_id)["purpose_assessments"] == mine_before["purpose_assessments"] + 1
    saved = db.scalars(select(PracticeDraft.employee_id).where(PracticeDraft.text == DRAFT)).all()
    assert saved == [me_id]
    me = db.get(Employee, me_id)
    assert me is not None and not me.is_hr_admin and me.is_active
