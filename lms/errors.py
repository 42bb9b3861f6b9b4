"""Error pages: plain words, what to do next, and never a stack trace or SQL."""

from __future__ import annotations

import logging

from flask import Flask, Response, g, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from lms.api.problems import from_http_error, is_api_path, problem

security_log = logging.getLogger("lms.security")

MESSAGES = {
    400: (
        _("Something in that request was not right"),
        _("Go back, check what you entered and try again."),
    ),
    403: (
        _("This page is not for your role"),
        _("If you think you should see it, ask your HR admin."),
    ),
    404: (_("We could not find that page"), _("It may have moved, or the link may be mistyped.")),
    405: (
        _("That action is not available here"),
        _("Use the buttons on the page rather than the address bar."),
    ),
    409: (_("That clashed with another request"), _("Reload the page and try again.")),
    413: (
        _("That file is too large"),
        _("Split it into smaller files, or ask your administrator to raise the limit."),
    ),
    429: (_("Too many tries in a short time"), _("Wait a minute, then try again.")),
    500: (
        _("Something went wrong on our side"),
        _("Try again in a moment. If it keeps happening, tell your HR admin."),
    ),
    503: (_("Postwise is unavailable right now"), _("Try again in a few minutes.")),
}


def init_app(app: Flask) -> None:
    """Register one handler for every HTTP error, plus CSRF failures and crashes."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def render_error(
    code: int, title: str | None = None, message: str | None = None
) -> tuple[str, int]:
    """The error page for a code, with a title and message of the view's own if it has them."""
    # A failed flush leaves the request's session unusable; the page itself (the header shows
    # who is signed in) must be able to read again.
    _rollback()
    default_title, default_message = MESSAGES.get(code, MESSAGES[400])
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=title or default_title,
            message=message or default_message,
        ),
        code,
    )


def _csrf_error(error: CSRFError) -> tuple[str, int]:
    security_log.warning("CSRF check failed: %s", error.description)
    return render_error(
        400,
        gettext("This form has expired"),
        gettext(
            "For your safety, forms only work for a while and only from this site. "
            "Go back, reload the page and send it again."
        ),
    )


def _http_error(error: HTTPException) -> tuple[str, int] | HTTPException | Response:
    if error.code is None or error.code < 400:
        return error
    if is_api_path(request.path):  # other systems read these: problem details, not a page
        _rollback()
        return from_http_error(error)
    return render_error(error.code)


def _unexpected_error(error: Exception) -> tuple[str, int] | Response:
    logging.getLogger("lms").exception("unhandled error", exc_info=error)
    if is_api_path(request.path):
        _rollback()
        return problem(InternalServerError.code)
    return render_error(InternalServerError.code)


def _rollback() -> None:
    session = g.get("db_session")
    if session is not None:
        session.rollback()
