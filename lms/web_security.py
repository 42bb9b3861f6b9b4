"""Web-facing safety: response headers, session timeouts, safe redirects, the security log,
and text no database can store refused before any view sees it."""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Flask,
    current_app,
    flash,
    has_request_context,
    redirect,
    request,
    session,
    url_for,
)
from flask_login import current_user, logout_user
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response as BaseResponse

from lms import clock
from lms.api.problems import is_api_path, problem
from lms.errors import render_error
from lms.textcheck import has_unstorable

security_log = logging.getLogger("lms.security")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
SKIP_SESSION_CHECK = frozenset({"static", "health.healthz"})
SEEN_RESOLUTION_SECONDS = 60
# A flash message rides in the session cookie, which browsers drop past 4 KB: whatever text
# a message quotes, it stays well under that.
FLASH_MAX_CHARACTERS = 300


def init_app(app: Flask) -> None:
    """Attach headers and session checks to every request, and context to security logs."""
    app.after_request(_add_security_headers)
    app.after_request(_shorten_flashes)
    # First of all: nothing else (sign-in, session checks, views) may see such text.
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_unstorable_text)
    app.before_request(_enforce_session_limits)
    if not any(isinstance(f, _RequestContextFilter) for f in security_log.filters):
        security_log.addFilter(_RequestContextFilter())


def safe_next_url(target: str | None) -> str | None:
    """The target if it is a path inside this app; None for anything that could leave it."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ch in target for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def start_session_clock() -> None:
    """Called at sign-in: the absolute and idle limits count from now."""
    now = clock.now().timestamp()
    session["signed_in_at"] = now
    session["seen_at"] = now


def _enforce_session_limits() -> BaseResponse | None:
    if request.endpoint in SKIP_SESSION_CHECK or not current_user.is_authenticated:
        return None
    now = clock.now().timestamp()
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"]).total_seconds()
    lifetime = timedelta(hours=current_app.config["SESSION_MAX_HOURS"]).total_seconds()
    started, seen = session.get("signed_in_at"), session.get("seen_at")
    if started is None or seen is None or now - seen > idle or now - started >= lifetime:
        logout_user()
        session.clear()
        flash("You were signed out because the session ended. Sign in again to go on.", "info")
        target = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for("auth.sign_in", next=safe_next_url(target)))
    if now - seen >= SEEN_RESOLUTION_SECONDS:
        # Counting idle time to the minute is enough, and leaving the cookie alone the rest
        # of the time saves signing and sending a new one with every response.
        session["seen_at"] = now
    return None


def unstorable_field() -> str | None:
    """The first part of this request holding a character no database can store (a NUL), as
    people would name it: the field or query parameter, or a file's name."""
    try:
        sources = [request.args, request.form]
        uploads = request.files
    except BadRequest:
        return None  # a body that cannot be parsed is refused by the view's own form
    for values in sources:
        for name, value in values.items(multi=True):
            if has_unstorable(name) or has_unstorable(value):
                return without_control(name)
    for name, upload in uploads.items(multi=True):
        if has_unstorable(name) or has_unstorable(upload.filename or ""):
            return f"the name of the file in {without_control(name)}"
    return None


def without_control(name: str) -> str:
    """A field name fit to show: control characters dropped, at most 60 characters."""
    cleaned = "".join(ch for ch in name if ch.isprintable())
    return cleaned[:60] or "(unnamed)"


def _refuse_unstorable_text() -> tuple[str, int] | BaseResponse | None:
    if has_unstorable(request.path):  # no page of ours has such an address
        return problem(404) if is_api_path(request.path) else render_error(404)
    where = unstorable_field()
    if where is None:
        return None
    security_log.warning("refused a request holding a NUL character in %s", where)
    if is_api_path(request.path):
        message = "Holds a NUL character (\\x00), which Postwise cannot store."
        return problem(422, f"Not valid: {where}. {message}", errors={where: [message]})
    return render_error(
        400,
        "That held a character Postwise cannot store",
        f"“{where}” contains an invisible control character (a NUL byte, \\x00), often left "
        "by a copy from another program. Retype that text without it and send it again.",
    )


def _shorten_flashes(response: BaseResponse) -> BaseResponse:
    flashes = session.get("_flashes") if has_request_context() else None
    if flashes and any(len(message) > FLASH_MAX_CHARACTERS for _, message in flashes):
        session["_flashes"] = [
            (category, _shortened(message, FLASH_MAX_CHARACTERS)) for category, message in flashes
        ]
    return response


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _add_security_headers(response: BaseResponse) -> BaseResponse:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


class _RequestContextFilter(logging.Filter):
    """Adds who and where to every security log record, for the audit trail of the logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.user = current_user.id if current_user.is_authenticated else "anonymous"
            record.route = f"{request.method} {request.path}"
        else:
            record.user = "-"
            record.route = "-"
        return True
