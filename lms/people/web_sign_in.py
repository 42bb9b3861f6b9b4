"""Starting a signed-in session in the browser: the one way in, for passwords and SSO alike."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, request, session
from flask_login import login_user
from werkzeug.wrappers import Response as BaseResponse

from lms.access import load_viewer
from lms.dbsession import db_session
from lms.people import known_devices
from lms.people.models import Employee
from lms.web_security import start_session_clock


def sign_in_as(employee: Employee, response: BaseResponse) -> None:
    """A fresh session (nothing from before it survives), and this browser is known to the
    account from now on."""
    viewer = load_viewer(db_session(), f"{employee.id}:{employee.session_version}")
    assert viewer is not None
    session.clear()
    session.permanent = True
    login_user(viewer)
    start_session_clock()
    config = current_app.config
    response.set_cookie(
        known_devices.COOKIE_NAME,
        known_devices.remember(config["SECRET_KEY"], known_browsers(), employee),
        max_age=timedelta(days=config["KNOWN_BROWSER_DAYS"]),
        httponly=True,
        secure=config["SESSION_COOKIE_SECURE"] or request.is_secure,
        samesite="Lax",
    )


def known_browsers() -> list[known_devices.KnownDevice]:
    """The accounts this browser has signed in to before (from its signed cookie)."""
    config = current_app.config
    return known_devices.read(
        config["SECRET_KEY"],
        request.cookies.get(known_devices.COOKIE_NAME),
        timedelta(days=config["KNOWN_BROWSER_DAYS"]),
    )
