"""The app of the mail tests sends to the test SMTP server (see tests/smtp_server.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from tests.smtp_server import MailServer


@pytest.fixture
def app(make_app: Callable[..., Flask], mail_server: MailServer) -> Flask:
    """The app, with its SMTP settings pointing at the test server."""
    return make_app(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=mail_server.port,
        SMTP_TIMEOUT_SECONDS=5,
        MAIL_FROM="Postwise <training@postwise.test>",
    )


@pytest.fixture
def mail(runner: FlaskCliRunner) -> Callable[[str], Any]:
    """Run `lms mail queue` or `lms mail send` and return the click result."""

    def run(command: str, *args: str) -> Any:
        return runner.invoke(args=["mail", command, *args])

    return run
