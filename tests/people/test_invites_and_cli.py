"""Invite links and the account commands: invite, set-password, grant-hr, revoke-hr."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from lms import clock
from lms.people.models import Employee
from lms.people.passwords import verify_password
from tests.helpers import csrf_token, fresh, sign_in

NEW_PASSWORD = "lantern-harbour-velvet-9"


def _invite_path(runner, email: str) -> str:
    result = runner.invoke(args=["people", "invite", email])
    assert result.exit_code == 0, result.output
    match = re.search(r"http://postwise\.test(/invite/\S+)", result.output)
    assert match, result.output
    return match.group(1)


def _set_password(client, path: str, password: str, confirm: str | None = None):
    token = csrf_token(client, path)
    return client.post(
        path, data={"password": password, "confirm": confirm or password, "csrf_token": token}
    )


def test_invite_link_sets_the_first_password_and_signs_in(client, runner, make_employee, db):
    person = make_employee(password=None)
    path = _invite_path(runner, person.email)
    page = client.get(path).get_data(as_text=True)
    assert "Choose your password" in page
    response = _set_password(client, path, NEW_PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert verify_password(fresh(db, Employee, person.id).password_hash, NEW_PASSWORD)


def test_invite_link_works_only_once(client, runner, make_employee, app):
    person = make_employee(password=None)
    path = _invite_path(runner, person.email)
    _set_password(client, path, NEW_PASSWORD)
    again = app.test_client().get(path)
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)


def test_expired_invite_link_says_so(client, runner, make_employee):
    path = _invite_path(runner, make_employee(password=None).email)
    clock.advance(timedelta(hours=72, seconds=1))
    response = client.get(path)
    assert response.status_code == 410
    page = response.get_data(as_text=True)
    assert "This link has expired" in page
    assert "Ask your HR admin" in page


def test_tampered_invite_link_is_refused(client, runner, make_employee):
    path = _invite_path(runner, make_employee(password=None).email)
    response = client.get(path[:-3] + "xyz")
    assert response.status_code == 410
    assert "not valid" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("short-one", None, "at least 12 characters"),
        ("password1234", None, "very common password"),
        (NEW_PASSWORD, "something-else-entirely", "not the same"),
    ],
)
def test_weak_or_mistyped_passwords_are_refused_next_to_the_field(
    client, runner, make_employee, db, password, confirm, message
):
    person = make_employee(password=None)
    path = _invite_path(runner, person.email)
    response = _set_password(client, path, password, confirm)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert fresh(db, Employee, person.id).password_hash is None


def test_invite_for_unknown_or_inactive_people_fails(runner, make_employee):
    assert runner.invoke(args=["people", "invite", "ghost@example.com"]).exit_code == 1
    inactive = make_employee(is_active=False)
    result = runner.invoke(args=["people", "invite", inactive.email])
    assert result.exit_code == 1
    assert "inactive" in result.output


def test_set_password_reads_standard_input(client, runner, make_employee):
    person = make_employee(password=None)
    result = runner.invoke(args=["people", "set-password", person.email], input=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert sign_in(client, person.email, NEW_PASSWORD).status_code == 302


def test_set_password_refuses_a_weak_one(runner, make_employee, db):
    person = make_employee(password=None)
    result = runner.invoke(args=["people", "set-password", person.email], input="short\n")
    assert result.exit_code == 1
    assert "at least 12 characters" in result.output
    assert fresh(db, Employee, person.id).password_hash is None


def test_grant_and_revoke_hr(runner, make_employee, db):
    person = make_employee()
    assert "is now an HR admin" in runner.invoke(args=["people", "grant-hr", person.email]).output
    assert fresh(db, Employee, person.id).is_hr_admin
    assert "nothing to change" in runner.invoke(args=["people", "grant-hr", person.email]).output
    result = runner.invoke(args=["people", "revoke-hr", person.email.upper()])
    assert "is no longer an HR admin" in result.output
    assert not fresh(db, Employee, person.id).is_hr_admin


def test_hr_role_takes_effect_on_the_next_sign_in(client, runner, make_employee):
    person = make_employee()
    sign_in(client, person.email)
    assert client.get("/people/").status_code == 403
    runner.invoke(args=["people", "grant-hr", person.email])
    assert client.get("/people/").status_code == 302  # the role change ended the session
    sign_in(client, person.email)
    assert client.get("/people/").status_code == 200
