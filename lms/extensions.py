"""Flask extensions, created unbound; create_app binds them to an app."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from limits.storage import storage_from_string

from lms.access import AnonymousViewer
from lms.people.throttle import DelayPolicy, ScopeKind, SignInThrottle

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
security_log = logging.getLogger("lms.security")
login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Please sign in to see that page."
login_manager.login_message_category = "info"
login_manager.anonymous_user = AnonymousViewer


def init_sign_in_throttle(app: Flask) -> None:
    """Count wrong passwords in the storage the rate limiter uses (shared when it is Redis)."""
    config = app.config
    throttle = None
    if config["SIGN_IN_THROTTLE_ENABLED"]:
        storage = storage_from_string(
            config["RATELIMIT_STORAGE_URI"],
            wrap_exceptions=True,
            **config.get("RATELIMIT_STORAGE_OPTIONS", {}),
        )
        delays = {
            "first": timedelta(minutes=config["LOCKOUT_FIRST_MINUTES"]),
            "longest": timedelta(minutes=config["LOCKOUT_MAX_MINUTES"]),
            "forget_after": timedelta(hours=config["LOCKOUT_FORGET_HOURS"]),
        }
        per_account = DelayPolicy(attempts=config["LOCKOUT_ATTEMPTS"], **delays)
        policies = {
            ScopeKind.ACCOUNT: per_account,
            ScopeKind.DEVICE: per_account,
            ScopeKind.ADDRESS: DelayPolicy(attempts=config["LOCKOUT_ADDRESS_ATTEMPTS"], **delays),
        }
        throttle = SignInThrottle(storage, policies, config["SIGN_IN_THROTTLE_PREFIX"])
        if config["ENV"] == "production" and config["RATELIMIT_STORAGE_URI"].startswith("memory"):
            security_log.warning(
                "sign-in counts and rate limits are kept in this process only "
                "(LMS_RATELIMIT_STORAGE_URL is memory://): with several workers or hosts, "
                "set it to redis://… so they are shared"
            )
    app.extensions["sign_in_throttle"] = throttle


def sign_in_throttle(app: Flask) -> SignInThrottle | None:
    """The app's throttle, or None when SIGN_IN_THROTTLE_ENABLED is off."""
    return app.extensions["sign_in_throttle"]
