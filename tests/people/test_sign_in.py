"""Signing in and out: one generic failure message, lockout, rate limits, fresh sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from lms import clock
from lms.people.auth_views import SIGN_IN_FAILED
from tests.helpers import PASSWORD, csrf_token, sign_in


def test_employee_signs_in_and_sees_home(client, make_employee):
    person = make_employee(first_name="Ada")
    response = sign_in(client, person.email.upper())  # emails are case-insensitive
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Hello, Ada" in page
    assert "My learning" in page


@pytest.mark.parametrize(
    "case",
    ["wrong password", "unknown email", "inactive account", "no password yet"],
)
def test_every_failed_sign_in_says_the_same_thing(client, make_employee, case):
    person = make_employee(
        is_active=case != "inactive account",
        password=None if case == "no password yet" else PASSWORD,
    )
    email = "nobody@example.com" if case == "unknown email" else person.email
    password = "not-the-password-at-all" if case == "wrong password" else PASSWORD
    response = sign_in(client, email, password)
    assert response.status_code == 200
    assert SIGN_IN_FAILED in response.get_data(as_text=True).replace("&#39;", "'")
    assert client.get("/").status_code == 302  # still signed out


def test_five_failures_lock_the_account_for_fifteen_minutes(client, make_employee, db):
    person = make_employee()
    for _ in range(5):
        sign_in(client, person.email, "wrong-password-guess")
    # Even the right password is refused while locked, with the same message.
    locked = sign_in(client, person.email, PASSWORD)
    assert locked.status_code == 200
    assert client.get("/").status_code == 302
    clock.advance(timedelta(minutes=14))
    assert sign_in(client, person.email, PASSWORD).status_code == 200
    clock.advance(timedelta(minutes=1, seconds=1))
    assert sign_in(client, person.email, PASSWORD).status_code == 302


def test_failures_spread_beyond_the_window_do_not_lock(client, make_employee):
    person = make_employee()
    for _ in range(4):
        sign_in(client, person.email, "wrong-password-guess")
    clock.advance(timedelta(minutes=16))
    for _ in range(4):
        sign_in(client, person.email, "wrong-password-guess")
    assert sign_in(client, person.email, PASSWORD).status_code == 302


def test_a_successful_sign_in_resets_the_failure_count(client, make_employee):
    person = make_employee()
    for _ in range(4):
        sign_in(client, person.email, "wrong-password-guess")
    assert sign_in(client, person.email).status_code == 302
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    for _ in range(4):
        sign_in(client, person.email, "wrong-password-guess")
    assert sign_in(client, person.email).status_code == 302


def test_sign_in_attempts_are_rate_limited_per_address(make_app, make_employee):
    limited = make_app(RATELIMIT_ENABLED=True, SIGN_IN_RATE_LIMIT="3 per minute").test_client()
    person = make_employee()
    codes = [sign_in(limited, person.email, "wrong-password-guess").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "Too many tries" in sign_in(limited, person.email).get_data(as_text=True)


def test_sign_out_is_a_post(client, login, make_employee):
    login(make_employee())
    assert client.get("/sign-out").status_code == 405
    assert client.get("/").status_code == 200


def test_sign_in_starts_a_fresh_session(client: FlaskClient, make_employee):
    person = make_employee()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker before sign-in"
    sign_in(client, person.email)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == f"{person.id}:{person.session_version}"


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/people/", "/people/"),
        ("//evil.example.com/", "/"),
        ("/\\evil.example.com", "/"),
        ("https://evil.example.com/", "/"),
        ("javascript:alert(1)", "/"),
        ("/%0d%0aSet-Cookie:x=1", "/"),
    ],
)
def test_next_only_redirects_inside_the_app(client, make_employee, next_url, expected):
    person = make_employee(is_hr_admin=True)
    response = sign_in(client, person.email, next_url=next_url)
    assert response.status_code == 302
    assert response.headers["Location"] == expected
