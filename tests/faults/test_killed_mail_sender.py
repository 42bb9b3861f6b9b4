"""The outbox through SMTP failures and a dead sender, as lms/mail/delivery.py promises:
every message delivered exactly once in the normal case, and at least once (the one caught
in flight: twice, with the same Message-ID) when `lms mail send` dies between the server's
"250" and marking the message sent.

tests/mail/test_delivery.py covers each failure alone; these add the whole down → 451 → 250
sequence and a real sender process killed with SIGKILL at that very moment.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from flask import Flask
from sqlalchemy import make_url
from sqlalchemy.orm import Session

from lms import clock
from lms.retry import RetryPolicy
from tests.faults.live import child_env, run_lms, start_lms, wait_for
from tests.mail.helpers import SENDER, messages, queue
from tests.smtp_server import MailServer, Recorder

SENDER_APP_NAME = "postwise-mail-send-under-test"  # finds the sender's PostgreSQL backend


class HoldingRecorder(Recorder):
    """Holds the DATA of the message with subject `hold` until `release` is set, then takes it
    (the "250" goes out): the test gets a moment in which the message is in flight."""

    def __init__(self, hold: str) -> None:
        super().__init__()
        self.hold = hold
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if f"Subject: {self.hold}\r\n".encode() in envelope.content and not self.holding.is_set():
            self.holding.set()
            await asyncio.to_thread(self.release.wait, 30)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def smtp() -> Iterator[MailServer]:
    server = MailServer()
    server.recorder = HoldingRecorder(hold="Message 2")  # the first of the second batch
    server.up()
    yield server
    server.recorder.release.set()
    server.down()


def smtp_settings(server: MailServer) -> dict[str, Any]:
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": server.port, "MAIL_FROM": SENDER}


@contextmanager
def outbox_row_locked(database_url: str, message_id: int) -> Iterator[Callable[[], bool]]:
    """Hold a lock that marking the message sent needs; yields "is the sender waiting on it"
    (PostgreSQL shows it; SQLite cannot, and holds its one write lock for everyone)."""
    if database_url.startswith("sqlite"):
        locker = sqlite3.connect(make_url(database_url).database or "", isolation_level=None)
        locker.execute("BEGIN IMMEDIATE")
        try:
            yield lambda: True
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        return
    dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as locker, psycopg.connect(dsn, autocommit=True) as watcher:
        locker.execute("SELECT id FROM outbox WHERE id = %s FOR UPDATE", (message_id,))
        waiting = """SELECT 1 FROM pg_stat_activity
                     WHERE application_name = %s AND wait_event_type = 'Lock'"""
        yield lambda: watcher.execute(waiting, (SENDER_APP_NAME,)).fetchone() is not None
        locker.rollback()


def test_a_sender_killed_between_the_servers_250_and_marking_sent_repeats_only_that_message(
    make_app: Callable[..., Flask], db: Session, smtp: MailServer, database_url: str
) -> None:
    clock.freeze(datetime.now(UTC))  # the sender runs on the real clock: due for it too
    queue(db, 5)
    ids = [message.id for message in messages(db)]
    env = child_env(database_url, **{k: str(v) for k, v in smtp_settings(smtp).items()})
    recorder = smtp.recorder
    assert isinstance(recorder, HoldingRecorder)

    args = ["mail", "send", "--batch-size", "2"]
    with start_lms(args, env | {"PGAPPNAME": SENDER_APP_NAME}) as sender:
        try:
            wait_for(recorder.holding.is_set, "message 2 to reach the server")
            with outbox_row_locked(database_url, ids[2]) as sender_waits:
                recorder.release.set()
                wait_for(lambda: len(smtp.received) == 3, "the server to take message 2")
                wait_for(sender_waits, "the sender to wait to mark it sent")
                sender.send_signal(signal.SIGKILL)
                sender.wait(timeout=10)
        finally:
            sender.kill()
    assert sender.returncode == -signal.SIGKILL

    in_flight = messages(db)
    assert [m.status for m in in_flight] == ["sent", "sent", "sending", "sending", "queued"]
    claimed_at = in_flight[2].claimed_at
    assert claimed_at is not None

    soon = run_lms(["mail", "send"], env)  # seconds later: the claim may still be alive
    assert soon.returncode == 0, soon.stderr
    assert "Outbox: sent 1, will retry 0, failed 0." in soon.stdout
    assert [m.status for m in messages(db)] == ["sent", "sent", "sending", "sending", "sent"]

    # The subprocess cannot share the test's clock: the last run is `lms mail send` in-process,
    # on a clock set to just past the claim's hour.
    clock.freeze(claimed_at + RetryPolicy().stale_after + timedelta(seconds=1))
    later = make_app(**smtp_settings(smtp)).test_cli_runner().invoke(args=["mail", "send"])
    assert later.exit_code == 0, later.output
    assert "sent 2" in later.output
    assert "2 left unfinished by an earlier run were queued again" in later.output

    final = messages(db)
    assert [m.status for m in final] == ["sent"] * 5
    arrived = Counter(received.email["Message-ID"] for received in smtp.received)
    assert arrived == Counter({m.message_id: 2 if m.id == ids[2] else 1 for m in final})


def test_down_then_451_then_250_delivers_every_message_exactly_once(
    make_app: Callable[..., Flask], db: Session, mail_server: MailServer
) -> None:
    runner = make_app(**smtp_settings(mail_server)).test_cli_runner()
    queue(db, 7)
    mail_server.down()
    assert "Stopped early: could not connect" in runner.invoke(args=["mail", "send"]).output

    mail_server.up()
    mail_server.recorder.refuse_with = "451 4.3.0 Mailbox busy, try again later"
    clock.advance(timedelta(minutes=1))
    refused = runner.invoke(args=["mail", "send", "--batch-size", "3"])
    assert "sent 0, will retry 7, failed 0" in refused.output
    assert mail_server.received == []

    mail_server.recorder.refuse_with = None
    clock.advance(timedelta(minutes=1))
    waiting = runner.invoke(args=["mail", "send"])  # the second wait is two minutes
    assert "sent 0, will retry 0, failed 0" in waiting.output
    clock.advance(timedelta(minutes=1))
    accepted = runner.invoke(args=["mail", "send", "--batch-size", "3"])
    assert "sent 7, will retry 0, failed 0" in accepted.output
    clock.advance(timedelta(hours=2))
    assert "sent 0" in runner.invoke(args=["mail", "send"]).output

    outbox = messages(db)
    assert [(m.status, m.attempts) for m in outbox] == [("sent", 3)] * 7
    arrived = Counter(received.email["Message-ID"] for received in mail_server.received)
    assert arrived == Counter({m.message_id: 1 for m in outbox})
