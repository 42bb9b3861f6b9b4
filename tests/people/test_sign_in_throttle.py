"""Wrong passwords cannot keep the real person out: a browser that signed in before has its
own count, one address cannot spray many accounts, and every process and host (here: two
apps sharing a real Redis on loopback) sees the same counts."""

from __future__ import annotations

import logging
import os
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms import clock
from lms.dbsession import database
from lms.people.accounts import set_password
from lms.people.known_devices import COOKIE_NAME
from lms.people.models import Employee
from tests.helpers import PASSWORD, csrf_token, fresh, sign_in

REDIS_URL = os.environ.get("LMS_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
WRONG = "wrong-password-guess"
NEW_PASSWORD = "another-long-password-for-the-test"
SIGN_IN_FAILED_START = "That email and password do not match"


def _text(response: Any) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'")


def _from_address(client: FlaskClient, address: str) -> FlaskClient:
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _known_browser(app: Flask, person: Employee, address: str = "198.51.100.1") -> FlaskClient:
    """A browser the person signed in with once, and signed out of."""
    browser = _from_address(app.test_client(), address)
    assert sign_in(browser, person.email).status_code == 302
    browser.post("/sign-out", data={"csrf_token": csrf_token(browser, "/")})
    assert browser.get_cookie(COOKIE_NAME) is not None
    return browser


@pytest.fixture
def redis_storage() -> Iterator[dict[str, str]]:
    """Settings for apps that count in a real Redis, under a key prefix of this test's own."""
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.ConnectionError as error:
        if os.environ.get("LMS_REQUIRE_REDIS") == "1":
            pytest.fail(f"no Redis at {REDIS_URL} (LMS_REQUIRE_REDIS=1): {error}")
        pytest.skip(f"no Redis at {REDIS_URL}: {error}")
    prefix = f"postwise-test-{uuid.uuid4().hex}"
    yield {"RATELIMIT_STORAGE_URL": REDIS_URL, "SIGN_IN_THROTTLE_PREFIX": prefix}
    keys = list(connection.scan_iter(match=f"*{prefix}*"))
    if keys:
        connection.delete(*keys)
    connection.close()


@pytest.fixture
def two_processes(
    make_app: Callable[..., Flask], redis_storage: dict[str, str]
) -> tuple[Flask, Flask]:
    """Two apps built apart, as two processes or hosts are, sharing only Redis."""
    first, second = make_app(**redis_storage), make_app(**redis_storage)
    assert database(first) is not database(second)
    return first, second


def test_fifty_wrong_passwords_elsewhere_do_not_keep_a_known_browser_out(app, make_employee):
    person = make_employee(is_hr_admin=True)
    browser = _known_browser(app, person)
    attacker = _from_address(app.test_client(), "203.0.113.66")
    for _ in range(50):
        sign_in(attacker, person.email, WRONG)
    assert "Try again in" in _text(sign_in(attacker, person.email))  # the attacker waits
    assert sign_in(browser, person.email).status_code == 302  # the person does not
    # A new browser of the person's waits with the attacker, and is told where to go.
    stranger = _from_address(app.test_client(), "198.51.100.1")
    page = _text(sign_in(stranger, person.email))
    assert "A browser or device you have signed in with before can still sign in now" in page


def test_a_known_browser_has_its_own_count_and_says_so(app, make_employee):
    person = make_employee()
    browser = _known_browser(app, person)
    for _ in range(5):
        page = _text(sign_in(browser, person.email, WRONG))
    assert "Too many wrong passwords for this account from this browser" in page
    assert "Try again in 1 minute" in page
    # Its mistakes are its own: a browser the account does not know is not held back.
    assert sign_in(app.test_client(), person.email).status_code == 302
    clock.advance(timedelta(minutes=1, seconds=1))
    assert sign_in(browser, person.email).status_code == 302


def test_a_new_password_makes_earlier_known_browser_cookies_worthless(app, db, make_employee):
    person = make_employee()
    browser = _known_browser(app, person)
    for _ in range(5):
        sign_in(app.test_client(), person.email, WRONG)
    set_password(db, fresh(db, Employee, person.id), NEW_PASSWORD)
    db.commit()
    page = _text(sign_in(browser, person.email, NEW_PASSWORD))
    assert "Too many wrong passwords have been typed for this account" in page


def test_a_forged_or_foreign_cookie_counts_as_an_unknown_browser(make_app, make_employee):
    person = make_employee()
    elsewhere = make_app(SECRET_KEY="another-deployments-secret-key")
    foreign = _known_browser(elsewhere, person).get_cookie(COOKIE_NAME)
    app = make_app()
    for value in (foreign.value, foreign.value[:-2] + "xx", "garbage"):
        browser = app.test_client()
        browser.set_cookie(COOKIE_NAME, value)
        for _ in range(5):
            sign_in(browser, person.email, WRONG)
        assert "for this account from this browser" not in _text(sign_in(browser, person.email))
        clock.advance(timedelta(hours=24))  # the next cookie starts afresh


def test_the_known_browser_cookie_is_signed_http_only_lax_and_secure_on_https(app, make_employee):
    person = make_employee()
    browser = app.test_client()
    token = csrf_token(browser)
    on_https = browser.post(
        "/sign-in",
        data={"email": person.email, "password": PASSWORD, "csrf_token": token},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/sign-in"},  # Flask-WTF checks it on https
    )
    cookie = next(c for c in on_https.headers.getlist("Set-Cookie") if c.startswith(COOKIE_NAME))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" in cookie
    assert "Max-Age=15552000" in cookie  # 180 days
    plain = _known_browser(app, make_employee())
    assert plain.get_cookie(COOKIE_NAME).secure is False  # http: a Secure cookie would be lost


def test_one_address_trying_many_accounts_waits(app, make_employee):
    people = [make_employee() for _ in range(7)]
    colleague = _known_browser(app, people[0], "203.0.113.7")  # behind the same address
    sprayer = _from_address(app.test_client(), "203.0.113.7")
    for person in people[:6]:
        for _ in range(4):  # under each account's limit of 5
            sign_in(sprayer, person.email, WRONG)
    page = _text(sign_in(sprayer, people[6].email))
    assert "Too many wrong passwords from your network address" in page
    assert "A browser or device you have signed in with before can still sign in now" in page
    assert sprayer.get("/").status_code == 302
    # Other addresses, and browsers known to their account, are not held back.
    other = _from_address(app.test_client(), "203.0.113.8")
    assert sign_in(other, people[6].email).status_code == 302
    assert sign_in(colleague, people[0].email).status_code == 302


def test_waits_and_messages_are_logged_as_security_events(app, make_employee, caplog):
    person = make_employee()
    attacker = app.test_client()
    with caplog.at_level(logging.WARNING, logger="lms.security"):
        for _ in range(6):
            sign_in(attacker, person.email, WRONG)
    events = [r.getMessage() for r in caplog.records if r.name == "lms.security"]
    assert events[5] == (
        f"sign-in delayed: too many wrong passwords for account {person.id} from browsers "
        "it has not signed in from; waits until 2026-03-02T09:01:00+00:00"
    )
    assert events[6].startswith(
        f"sign-in refused: too many wrong passwords for account {person.id}"
    )


def test_two_processes_share_the_count_and_the_wait(two_processes, make_employee):
    first, second = two_processes
    person = make_employee()
    for app in (first, second, first, second, first):
        sign_in(app.test_client(), person.email, WRONG)
    page = _text(sign_in(second.test_client(), person.email))
    assert "Try again in 1 minute" in page
    clock.advance(timedelta(minutes=1, seconds=1))
    sign_in(second.test_client(), person.email, WRONG)  # the sixth: the wait doubles
    assert "Try again in 2 minutes" in _text(sign_in(first.test_client(), person.email))


def test_attacks_on_one_process_do_not_keep_a_known_browser_out_of_another(
    two_processes, make_employee
):
    first, second = two_processes
    person = make_employee(is_hr_admin=True)
    cookie = _known_browser(first, person).get_cookie(COOKIE_NAME)
    attacker = _from_address(first.test_client(), "203.0.113.66")
    for _ in range(20):
        sign_in(attacker, person.email, WRONG)
    assert "Try again in" in _text(
        sign_in(_from_address(second.test_client(), "203.0.113.66"), person.email)
    )
    browser = second.test_client()
    browser.set_cookie(COOKIE_NAME, cookie.value)
    assert sign_in(browser, person.email).status_code == 302


def test_two_processes_share_the_per_address_count(two_processes, make_employee):
    first, second = two_processes
    people = [make_employee() for _ in range(6)]
    apps = [first, second]
    for n, person in enumerate(people[:5]):
        for _ in range(4):
            sign_in(_from_address(apps[n % 2].test_client(), "203.0.113.7"), person.email, WRONG)
    page = _text(sign_in(_from_address(second.test_client(), "203.0.113.7"), people[5].email))
    assert "Too many wrong passwords from your network address" in page


def test_with_mail_set_up_the_wait_points_to_forgot_your_password(make_app, make_employee):
    client = make_app(SMTP_HOST="127.0.0.1").test_client()
    person = make_employee()
    for _ in range(5):
        page = _text(sign_in(client, person.email, WRONG))
    assert "Try again in 1 minute, or use \u201cForgot your password?\u201d below" in page
    assert 'href="/forgot-password"' in page


def test_setting_a_new_password_from_a_link_makes_that_browser_known(app, runner, make_employee):
    person = make_employee()
    attacker = _from_address(app.test_client(), "203.0.113.66")
    for _ in range(10):
        sign_in(attacker, person.email, WRONG)
    result = runner.invoke(args=["people", "invite", person.email])
    path = re.search(r"http://postwise\.test(/invite/\S+)", result.output).group(1)
    browser = app.test_client()
    token = csrf_token(browser, path)
    form = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token}
    assert browser.post(path, data=form).status_code == 302
    browser.post("/sign-out", data={"csrf_token": csrf_token(browser, "/")})
    for _ in range(10):
        sign_in(attacker, person.email, WRONG)
    assert "Try again in" in _text(sign_in(attacker, person.email, NEW_PASSWORD))
    assert sign_in(browser, person.email, NEW_PASSWORD).status_code == 302


def test_addresses_in_one_ipv6_slash_64_count_as_one(app, make_employee):
    people = [make_employee() for _ in range(6)]
    for n, person in enumerate(people[:5]):
        sprayer = _from_address(app.test_client(), f"2001:db8:1:2::{n + 1:x}")
        for _ in range(4):
            sign_in(sprayer, person.email, WRONG)
    same_network = _from_address(app.test_client(), "2001:db8:1:2:ffff::9")
    page = _text(sign_in(same_network, people[5].email))
    assert "Too many wrong passwords from your network address" in page
    next_network = _from_address(app.test_client(), "2001:db8:1:3::1")
    assert sign_in(next_network, people[5].email).status_code == 302


def test_when_the_shared_storage_does_not_answer_people_still_sign_in(
    make_app, make_employee, caplog
):
    pytest.importorskip("redis")
    app = make_app(RATELIMIT_STORAGE_URL="redis://127.0.0.1:1/0")  # nothing listens there
    person = make_employee()
    client = app.test_client()
    with caplog.at_level(logging.ERROR, logger="lms.people.throttle"):
        assert SIGN_IN_FAILED_START in _text(sign_in(client, person.email, WRONG))
        assert sign_in(client, person.email).status_code == 302
    assert "sign-in counts unavailable, not applied" in caplog.text
