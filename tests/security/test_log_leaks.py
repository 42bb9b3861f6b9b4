"""The suite-wide log check (tests/conftest.py, `no_secrets_in_logs`) recognises each kind of
secret Postwise makes, taken from the running app rather than written by hand."""

from __future__ import annotations

import logging

from flask import Flask

from lms.people.invites import issue_invite
from lms.people.models import Employee
from lms.scim.tokens import create_token
from tests.helpers import PASSWORD, SECRETS_IN_LOGS, csrf_token


def test_every_kind_of_secret_is_recognised(app: Flask, login, make_employee, db):
    person: Employee = make_employee()
    client = login(person)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    invite = issue_invite(db, app.config["SECRET_KEY"], person)
    secrets = {
        "session cookie": cookie.value,
        "CSRF token": csrf_token(client, "/"),
        "invite token": invite,
        "invite link": f"http://postwise.test/invite/{invite}",
        "password": PASSWORD,
        "password hash": person.password_hash or "",
        "SCIM token": create_token(db, "Okta", actor_id=None).secret,
    }
    missed = [kind for kind, value in secrets.items() if not SECRETS_IN_LOGS.search(value)]
    assert missed == []


def test_ordinary_log_lines_are_not_taken_for_secrets(app: Flask, login, make_employee, caplog):
    person = make_employee()
    with caplog.at_level(logging.DEBUG):
        login(person).get("/reports/completions.csv")
        logging.getLogger("lms").info(
            "export: completion report as CSV (postwise-completions-everyone-2026-03-02.csv) "
            "for manager.name@mail.example.com, <176@postwise.invalid>"
        )
    assert caplog.records
    assert [r.getMessage() for r in caplog.records if SECRETS_IN_LOGS.search(r.getMessage())] == []
