"""Signing in and out: one generic failure message, growing waits, rate limits, fresh sessions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from lms import clock
from lms.people.auth_views import SIGN_IN_FAILED as FAILED
from lms.people.known_devices import COOKIE_NAME
from tests.helpers import PASSWORD, csrf_token, sign_in

SIGN_IN_FAILED = str(FAILED)  # the English words (no request, so no translation)

CSRF_VALUE = re.compile(r'name="csrf_token"[^>]*>')


def page_text(response) -> str:
    """The page as a person reads it (quotes unescaped)."""
    return response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')


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
    assert SIGN_IN_FAILED in page_text(response)
    assert client.get("/").status_code == 302  # still signed out


def test_five_wrong_passwords_make_the_account_wait_a_minute_and_say_so(client, make_employee):
    person = make_employee()
    for _ in range(4):
        assert SIGN_IN_FAILED in page_text(sign_in(client, person.email, "wrong-password-guess"))
    fifth = page_text(sign_in(client, person.email, "wrong-password-guess"))
    assert "Too many wrong passwords have been typed for this account" in fifth
    assert "Try again in 1 minute, or ask your HR admin" in fifth
    # Even the right password is refused while it waits, and the page says why.
    waiting = sign_in(client, person.email, PASSWORD)
    assert waiting.status_code == 200
    assert "Try again in 1 minute" in page_text(waiting)
    assert client.get("/").status_code == 302
    clock.advance(timedelta(minutes=1, seconds=1))
    assert sign_in(client, person.email, PASSWORD).status_code == 302


def test_each_further_wrong_password_doubles_the_wait_up_to_the_longest(make_app, make_employee):
    client = make_app(LOCKOUT_MAX_MINUTES=8).test_client()
    person = make_employee()
    for _ in range(5):
        page = page_text(sign_in(client, person.email, "wrong-password-guess"))
    waits = ["1 minute"]
    for minutes in (1, 2, 4, 8, 8):
        clock.advance(timedelta(minutes=minutes, seconds=1))
        page = page_text(sign_in(client, person.email, "wrong-password-guess"))
        waits.append(re.search(r"Try again in (\d+ minutes?)", page).group(1))
    assert waits == ["1 minute", "2 minutes", "4 minutes", "8 minutes", "8 minutes", "8 minutes"]
    clock.advance(timedelta(minutes=7))
    assert "Try again in 1 minute" in page_text(sign_in(client, person.email, PASSWORD))
    clock.advance(timedelta(minutes=1, seconds=1))
    assert sign_in(client, person.email, PASSWORD).status_code == 302


def test_an_unknown_email_gets_the_same_answers_as_an_account(make_app, make_employee):
    person = make_employee()
    pages = {}
    for email in (person.email, "nobody@example.com"):
        client = make_app().test_client()
        pages[email] = [
            CSRF_VALUE.sub("", page_text(sign_in(client, email, "wrong-password-guess"))).replace(
                email, "EMAIL"
            )
            for _ in range(6)
        ]
    assert pages[person.email] == pages["nobody@example.com"]
    assert "Try again in 1 minute" in pages[person.email][-1]


def test_failures_a_day_apart_are_counted_afresh(client, make_employee):
    person = make_employee()
    for _ in range(4):
        sign_in(client, person.email, "wrong-password-guess")
    clock.advance(timedelta(hours=24))
    for _ in range(4):
        sign_in(client, person.email, "wrong-password-guess")
    assert sign_in(client, person.email, PASSWORD).status_code == 302


def test_a_successful_sign_in_resets_the_failure_count(client, make_employee):
    person = make_employee()
    for _ in range(4):
        sign_in(client, person.email, "wrong-password-guess")
    assert sign_in(client, person.email).status_code == 302
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    client.delete_cookie(COOKIE_NAME)  # from a browser the account does not know
    for _ in range(4):
        sign_in(client, person.email, "wrong-password-guess")
    assert sign_in(client, person.email).status_code == 302


def test_with_the_throttle_off_wrong_passwords_never_wait(make_app, make_employee):
    client = make_app(SIGN_IN_THROTTLE_ENABLED=False).test_client()
    person = make_employee()
    for _ in range(10):
        sign_in(client, person.email, "wrong-password-guess")
    assert sign_in(client, person.email).status_code == 302


def test_sign_in_attempts_are_rate_limited_per_address(make_app, make_employee):
    limited = make_app(RATELIMIT_ENABLED=True, SIGN_IN_RATE_LIMIT="3 per minute").test_client()
    person = make_employee()
    codes = [sign_in(limited, person.email, "wrong-password-guess").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "Too many tries" in sign_in(limited, person.email).get_data(as_text=True)


def test_the_rate_limit_does_not_hold_back_a_browser_known_to_its_account(make_app, make_employee):
    app = make_app(RATELIMIT_ENABLED=True, SIGN_IN_RATE_LIMIT="3 per minute")
    person = make_employee()
    known = app.test_client()
    assert sign_in(known, person.email).status_code == 302
    known.post("/sign-out", data={"csrf_token": csrf_token(known, "/")})
    attacker = app.test_client()  # behind the same address
    codes = [sign_in(attacker, person.email, "wrong-password-guess").status_code for _ in range(4)]
    assert codes[-1] == 429
    assert sign_in(known, person.email).status_code == 302


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
