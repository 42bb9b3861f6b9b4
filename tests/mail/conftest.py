"""A real SMTP server on a loopback port (aiosmtpd), and an app that sends mail to it."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskCliRunner


@dataclass(frozen=True)
class Received:
    sender: str
    recipients: list[str]
    email: EmailMessage

    @property
    def text(self) -> str:
        return self.email.get_body(("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.email.get_body(("html",)).get_content()


class Recorder:
    """Keeps what arrives; `refuse_with` makes it answer every message with that reply."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refuse_with: str | None = None
        self.delay = 0.0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.refuse_with:
            return self.refuse_with
        email = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), email))
        return "250 Message accepted for delivery"


class MailServer:
    """An SMTP server on 127.0.0.1 that can be taken down and brought back on its port."""

    def __init__(self) -> None:
        self.recorder = Recorder()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._controller: Controller | None = None

    @property
    def received(self) -> list[Received]:
        return self.recorder.received

    def up(self, **options: Any) -> None:
        self._controller = Controller(
            self.recorder, hostname="127.0.0.1", port=self.port, **options
        )
        self._controller.start()

    def down(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[Received]:
        return [message for message in self.received if address in message.recipients]


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    server = MailServer()
    server.up()
    yield server
    server.down()


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
