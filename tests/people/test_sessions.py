"""Session rules: an old cookie replayed after it should have ended is not signed in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from lms import clock
from lms.people.accounts import set_hr_admin, set_password
from tests.helpers import csrf_token, sign_in


def _cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("postwise_session")
    assert cookie is not None
    return cookie.value


def _replay(app, cookie: str) -> int:
    """Status of the home page for a brand-new browser that presents an old cookie."""
    stranger = app.test_client()
    stranger.set_cookie("postwise_session", cookie)
    return stranger.get("/").status_code


def test_cookie_replayed_after_sign_out_is_not_signed_in(app, client, login, make_employee):
    login(make_employee())
    old = _cookie(client)
    assert _replay(app, old) == 200
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    assert _replay(app, old) == 302


@pytest.mark.parametrize("change", ["deactivated", "password changed", "role changed"])
def test_cookie_stops_working_after_account_changes(app, client, login, make_employee, db, change):
    person = make_employee()
    login(person)
    old = _cookie(client)
    person = db.merge(person)
    if change == "deactivated":
        person.is_active = False
    elif change == "password changed":
        set_password(db, person, "an-entirely-new-passphrase-42")
    else:
        set_hr_admin(db, person, True)
    db.commit()
    assert _replay(app, old) == 302
    assert client.get("/").status_code == 302


def test_idle_session_ends_and_asks_to_sign_in_again(client, login, make_employee):
    login(make_employee())
    clock.advance(timedelta(minutes=29))
    assert client.get("/").status_code == 200  # activity resets the idle timer
    clock.advance(timedelta(minutes=29))
    assert client.get("/").status_code == 200
    clock.advance(timedelta(minutes=31))
    response = client.get("/people/1")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=/people/1")
    assert client.get("/").status_code == 302


def test_the_cookie_is_rewritten_only_when_the_idle_clock_moves(client, login, make_employee):
    login(make_employee())
    client.get("/")  # shows (and so removes) the welcome message
    clock.advance(timedelta(seconds=30))
    assert "Set-Cookie" not in client.get("/").headers  # within the minute: left alone
    clock.advance(timedelta(seconds=31))
    assert "postwise_session=" in client.get("/").headers["Set-Cookie"]
    assert "Set-Cookie" not in client.get("/").headers


def test_absolute_lifetime_ends_even_an_active_session(client, login, make_employee):
    login(make_employee())
    elapsed = timedelta()
    while client.get("/").status_code == 200 and elapsed < timedelta(hours=13):
        clock.advance(timedelta(minutes=15))  # busy every fifteen minutes
        elapsed += timedelta(minutes=15)
    assert elapsed == timedelta(hours=12)


def test_timeouts_are_configurable(make_app, make_employee):
    client = make_app(SESSION_IDLE_MINUTES=5).test_client()
    sign_in(client, make_employee().email)
    clock.advance(timedelta(minutes=6))
    assert client.get("/").status_code == 302


def test_session_cookie_flags(client, make_employee):
    response = sign_in(client, make_employee().email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development; production sets it (see test_config)
