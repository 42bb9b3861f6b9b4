"""Where Postwise's log records go when the deployment has not said otherwise.

Without this, Python keeps only warnings and prints them bare: report downloads (logged at
INFO) would vanish and a security event would reach the log without its time, user or route.
A deployment that configures logging itself (a handler on `lms` or the root logger, or a
level on `lms`) is left as it is.
"""

from __future__ import annotations

import logging
import time

from flask import Flask
from flask.logging import has_level_handler

FORMAT = "%(asctime)s %(levelname)s %(name)s%(who)s: %(message)s"
DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class _WhoAndWhere(logging.Filter):
    """Puts the user and route that lms.security records carry into the line."""

    def filter(self, record: logging.LogRecord) -> bool:
        user, route = getattr(record, "user", None), getattr(record, "route", None)
        record.who = f" user={user} route={route!r}" if user is not None else ""
        return True


def handler() -> logging.Handler:
    """A stderr handler, with UTC times, which gunicorn, systemd and containers all keep."""
    stream = logging.StreamHandler()
    formatter = logging.Formatter(FORMAT, DATE_FORMAT)
    formatter.converter = time.gmtime
    stream.setFormatter(formatter)
    stream.addFilter(_WhoAndWhere())
    return stream


def init_app(app: Flask) -> None:
    """Log security events (report downloads are INFO) and the rest of the app at LOG_LEVEL
    to stderr, unless logging is configured already."""
    logger = logging.getLogger(app.import_name)
    security = logging.getLogger(f"{app.import_name}.security")
    if logger.level == logging.NOTSET:
        logger.setLevel(app.config["LOG_LEVEL"])
    if security.level == logging.NOTSET:
        security.setLevel(logging.INFO)
    if not has_level_handler(logger):
        logger.addHandler(handler())
