"""`lms mail send` against a real SMTP server on loopback: what arrives, retries, races."""

from __future__ import annotations

import ssl
import threading
from collections import Counter
from datetime import timedelta

import pytest
import trustme
from aiosmtpd.smtp import AuthResult
from sqlalchemy import update

from lms import clock
from lms.config import ConfigError
from lms.dbsession import database
from lms.mail import smtp
from lms.mail.delivery import REMOVED, send_queued
from lms.mail.models import OutboxMessage
from lms.retry import RetryPolicy
from tests.mail.helpers import SENDER, messages, queue, states
from tests.smtp_server import MailServer


def test_a_reminder_arrives_with_both_parts_and_its_links(
    db, org, shipped_courses, enrol, mail, mail_server
):
    enrol(org["staff"], shipped_courses["social-media-essentials"])
    mail("queue")
    result = mail("send")
    assert result.exit_code == 0, result.output
    assert "Outbox: sent 1, will retry 0, failed 0." in result.output
    [received] = mail_server.received
    assert received.recipients == [org["staff"].email]
    assert received.sender == "training@postwise.test"
    email = received.email
    assert email["From"] == SENDER
    assert email["To"] == org["staff"].email
    assert email["Subject"].startswith("New course for you: Social media essentials")
    assert email["Auto-Submitted"] == "auto-generated"
    assert email.get_content_type() == "multipart/alternative"
    link = "http://postwise.test/courses/social-media-essentials"
    assert f"Start here: {link}" in received.text
    assert "<" not in received.text  # plain text is plain
    assert f'href="{link}"' in received.html
    [message] = messages(db)
    assert (message.status, message.attempts, message.sent_at) == ("sent", 1, clock.now())
    assert email["Message-ID"] == message.message_id


def test_send_without_a_server_configured_says_what_to_set(make_app, db):
    runner = make_app(SMTP_HOST="").test_cli_runner()
    queue(db, 1)
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 1
    assert "No mail server is set: set LMS_SMTP_HOST" in result.output
    assert states(db) == {"queued": 1}


def test_with_the_server_down_messages_wait_and_all_arrive_once_it_is_back(db, mail, mail_server):
    addresses = queue(db, 12)
    mail_server.down()
    result = mail("send")
    assert result.exit_code == 1
    assert "Stopped early: could not connect to 127.0.0.1" in result.output
    assert states(db) == {"queued": 12}
    first = messages(db)[0]
    assert first.attempts == 1
    assert first.next_try_at == clock.now() + timedelta(minutes=1)
    assert "Connection refused" in first.last_error

    clock.advance(timedelta(seconds=30))  # before the back-off: nothing is tried
    mail("send")
    assert messages(db)[0].attempts == 1

    clock.advance(timedelta(minutes=1))
    mail("send")  # down again: the wait doubles
    assert messages(db)[0].next_try_at == clock.now() + timedelta(minutes=2)

    mail_server.up()
    clock.advance(timedelta(minutes=2))
    result = mail("send", "--batch-size", "5")
    assert "sent 12" in result.output
    assert sorted(r.recipients[0] for r in mail_server.received) == sorted(addresses)
    assert states(db) == {"sent": 12}
    mail("send")
    assert len(mail_server.received) == 12  # nothing is sent twice


def test_a_temporary_refusal_is_retried_and_a_permanent_one_fails_at_once(db, mail, mail_server):
    queue(db, 3)
    mail_server.recorder.refuse_with = "451 4.3.0 Mailbox busy, try again later"
    result = mail("send")
    assert "will retry 3" in result.output
    assert {m.last_error for m in messages(db)} == {"451 4.3.0 Mailbox busy, try again later"}

    mail_server.recorder.refuse_with = None
    clock.advance(timedelta(minutes=1))
    mail("send")
    assert states(db) == {"sent": 3}
    assert len(mail_server.received) == 3

    queue(db, 1, kind="nudge")
    mail_server.recorder.refuse_with = "550 5.1.1 No such user here"
    result = mail("send")
    assert "failed 1" in result.output
    failed = messages(db)[-1]
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert failed.last_error == "550 5.1.1 No such user here"


def test_after_the_last_try_a_message_is_failed_with_the_servers_error(make_app, mail_server, db):
    runner = make_app(
        SMTP_HOST="127.0.0.1", SMTP_PORT=mail_server.port, MAIL_MAX_ATTEMPTS=3
    ).test_cli_runner()
    queue(db, 1)
    mail_server.recorder.refuse_with = "421 4.7.0 Too many connections, closing"
    waits = []
    for _ in range(3):
        runner.invoke(args=["mail", "send"])
        message = messages(db)[0]
        waits.append(message.next_try_at - clock.now())
        clock.advance(timedelta(hours=5))
    assert waits[:2] == [timedelta(minutes=1), timedelta(minutes=2)]
    assert (message.status, message.attempts) == ("failed", 3)
    assert message.last_error == "421 4.7.0 Too many connections, closing"
    assert mail_server.received == []


def test_two_senders_at_once_never_send_a_message_twice(app, db, mail_server):
    queue(db, 30)
    mail_server.recorder.delay = 0.01  # each message takes a moment, so the runs overlap
    settings = smtp.SmtpSettings.from_config(app.config)
    start = threading.Barrier(2)
    results = []

    def run() -> None:
        start.wait()
        results.append(
            send_queued(
                database(app).sessions,
                lambda: smtp.connect(settings),
                policy=RetryPolicy(),
                batch_size=2,
            )
        )

    senders = [threading.Thread(target=run) for _ in range(2)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(timeout=60)
    ids = Counter(received.email["Message-ID"] for received in mail_server.received)
    assert len(ids) == 30
    assert set(ids.values()) == {1}
    assert sorted(result.sent for result in results) != [0, 30]  # both took a share
    assert sum(result.sent for result in results) == 30
    assert states(db) == {"sent": 30}


def test_a_message_left_sending_by_a_dead_sender_is_sent_again_later(db, mail, mail_server):
    """At-least-once: a claim nobody finished is offered again after an hour."""
    queue(db, 1)
    db.execute(update(OutboxMessage).values(status="sending", claimed_at=clock.now()))
    db.commit()
    mail("send")
    assert mail_server.received == []  # the claim may still be alive
    clock.advance(timedelta(hours=1, minutes=1))
    result = mail("send")
    assert "sent 1" in result.output
    assert "1 left unfinished by an earlier run were queued again" in result.output
    assert len(mail_server.received) == 1


def test_a_sign_in_link_does_not_stay_in_the_outbox_once_sent(db, mail, mail_server):
    queue(db, 1, kind="invite")
    mail("send")
    assert "http://postwise.test/courses/x" in mail_server.received[0].text
    [message] = messages(db)
    assert message.text_body == message.html_body == REMOVED


def _only(user: bytes, password: bytes):
    def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
        # handled=False: the server answers a refusal with its standard 535.
        success = (auth_data.login, auth_data.password) == (user, password)
        return AuthResult(success=success, handled=False)

    return authenticate


# aiosmtpd sets its own deprecated Session.login_data on every successful sign-in.
@pytest.mark.filterwarnings("ignore:Session.login_data is deprecated:DeprecationWarning")
def test_starttls_and_sign_in_with_a_checked_certificate(make_app, db, tmp_path, monkeypatch):
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    server = MailServer()
    server.up(
        tls_context=server_context,
        require_starttls=True,
        auth_required=True,
        authenticator=_only(b"postwise", b"mail-secret"),
    )
    settings = {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": server.port,
        "SMTP_SECURITY": "starttls",
        "SMTP_USER": "postwise",
        "SMTP_TIMEOUT_SECONDS": 5,
    }
    try:
        queue(db, 2)
        authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
        wrong = make_app(**settings, SMTP_PASSWORD="not-it").test_cli_runner()
        result = wrong.invoke(args=["mail", "send"])
        assert "refused the user name and password in LMS_SMTP_USER" in result.output
        assert "not-it" not in result.output
        assert server.received == []

        clock.advance(timedelta(minutes=1))
        right = make_app(**settings, SMTP_PASSWORD="mail-secret").test_cli_runner()
        result = right.invoke(args=["mail", "send", "--batch-size", "1"])
        assert "sent 2" in result.output, result.output
        assert len(server.received) == 2

        queue(db, 1, kind="nudge")
        monkeypatch.delenv("SSL_CERT_FILE")  # now the server's certificate is a stranger's
        result = right.invoke(args=["mail", "send"])
        assert "CERTIFICATE_VERIFY_FAILED" in result.output
        assert len(server.received) == 2
    finally:
        server.down()


def test_starttls_against_a_server_without_it_says_so(make_app, db, mail_server):
    runner = make_app(
        SMTP_HOST="127.0.0.1", SMTP_PORT=mail_server.port, SMTP_SECURITY="starttls"
    ).test_cli_runner()
    queue(db, 1)
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 1
    assert "STARTTLS extension not supported by server" in result.output
    assert states(db) == {"queued": 1}


def test_a_wrong_security_setting_stops_the_app_with_a_clear_message(make_app):
    with pytest.raises(ConfigError, match="LMS_SMTP_SECURITY is 'tls'; use none, starttls or ssl"):
        make_app(SMTP_SECURITY="tls")


def test_purge_deletes_only_old_sent_messages(db, mail, mail_server, runner):
    queue(db, 2)
    mail("send")
    queue(db, 1, kind="nudge")
    db.execute(update(OutboxMessage).where(OutboxMessage.kind == "nudge").values(status="failed"))
    db.commit()
    clock.advance(timedelta(days=91))
    queue(db, 1, kind="invite")
    mail("send")  # sent today: kept
    result = runner.invoke(args=["mail", "purge"])
    assert "deleted 2 messages sent more than 90 days ago" in result.output
    assert states(db) == {"sent": 1, "failed": 1}  # a failed message waits for HR
    refused = runner.invoke(args=["mail", "purge", "--older-than-days", "7"])
    assert refused.exit_code == 2
    assert "7 is not in the range x>=31" in refused.output
