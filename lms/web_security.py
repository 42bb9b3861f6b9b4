"""Web-facing safety: response headers, session timeouts, safe redirects, the security log."""

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
from werkzeug.wrappers import Response as BaseResponse

from lms import clock

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


def init_app(app: Flask) -> None:
    """Attach headers and session checks to every request, and context to security logs."""
    app.after_request(_add_security_headers)
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
