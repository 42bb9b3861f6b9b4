"""Invite and password-reset links by email, when SMTP is set; printed when it is not."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from sqlalchemy import select

from lms import clock
from lms.mail.models import OutboxMessage
from tests.helpers import csrf_token

LINK = re.compile(r"http://postwise\.test/invite/[\w.\-]+")


def ask_for_reset(client, email: str, base_url: str = "http://localhost"):
    page = client.get("/forgot-password", base_url=base_url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post(
        "/forgot-password", data={"csrf_token": token, "email": email}, base_url=base_url
    )


def test_forgot_password_emails_a_link_that_sets_a_new_one(client, org, mail, mail_server):
    assert 'href="/forgot-password"' in client.get("/sign-in").get_data(as_text=True)
    # A forged Host header must not end up in the link.
    response = ask_for_reset(client, org["staff"].email.upper(), "http://evil.example")
    assert response.status_code == 302
    page = client.get("/sign-in", base_url="http://evil.example").get_data(as_text=True)
    assert "a link to set a password is on its way" in page
    mail("send")
    [received] = mail_server.received
    assert received.recipients == [org["staff"].email]
    assert received.email["Subject"] == "Reset your Postwise password"
    [link] = set(LINK.findall(received.text))  # built on LMS_BASE_URL, not the Host header
    assert f'href="{link}"' in received.html
    assert "evil.example" not in received.text + received.html

    path = link.removeprefix("http://postwise.test")
    token = csrf_token(client, path)  # back on the real host
    new = "a-brand-new-password-for-sia"
    response = client.post(path, data={"csrf_token": token, "password": new, "confirm": new})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # signed in
    assert client.get(path).status_code == 410  # and the link is spent


def test_an_unknown_or_departed_address_gets_the_same_answer_and_no_email(
    client, db, org, mail, mail_server
):
    org["outsider"].is_active = False
    db.commit()
    for email in ("nobody@example.com", org["outsider"].email):
        ask_for_reset(client, email)
        assert "is on its way there" in client.get("/sign-in").get_data(as_text=True)
    db.rollback()
    assert db.scalars(select(OutboxMessage)).all() == []


def test_asking_again_within_15_minutes_sends_nothing_new(client, db, org):
    for _ in range(3):
        ask_for_reset(client, org["staff"].email)
    clock.advance(timedelta(minutes=16))
    ask_for_reset(client, org["staff"].email)
    db.rollback()
    assert len(db.scalars(select(OutboxMessage)).all()) == 2


def test_without_smtp_the_page_says_to_ask_hr(make_app, db, org):
    client = make_app(SMTP_HOST="").test_client()
    assert "Ask your HR admin for a sign-in link" in client.get("/sign-in").get_data(as_text=True)
    page = client.get("/forgot-password").get_data(as_text=True)
    assert "does not send email yet" in page and 'name="email"' not in page


def test_hr_emails_an_invite_to_someone_without_a_password(
    client, login, db, make_employee, org, mail, mail_server
):
    newcomer = make_employee(first_name="Nia", last_name="New", password=None)
    login(org["hr"])
    page = client.get(f"/people/{newcomer.id}").get_data(as_text=True)
    assert "Email an invite" in page
    assert "Email an invite" not in client.get(f"/people/{org['staff'].id}").get_data(as_text=True)
    token = csrf_token(client, f"/people/{newcomer.id}")
    client.post(f"/people/{newcomer.id}/invite", data={"csrf_token": token})
    client.post(f"/people/{newcomer.id}/invite", data={"csrf_token": token})
    page = client.get(f"/people/{newcomer.id}").get_data(as_text=True)
    assert "less than 15 minutes ago" in page
    mail("send")
    [received] = mail_server.received
    assert received.email["Subject"] == "Set your Postwise password"
    assert LINK.search(received.text)


def test_the_invite_command_queues_an_email_when_smtp_is_set(
    runner, db, make_employee, mail, mail_server
):
    newcomer = make_employee(password=None)
    result = runner.invoke(args=["people", "invite", newcomer.email])
    assert result.exit_code == 0, result.output
    assert f"Queued an invite email to {newcomer.email}" in result.output
    assert "http" not in result.output
    mail("send")
    assert LINK.search(mail_server.received[0].text)

    printed = runner.invoke(args=["people", "invite", newcomer.email, "--print-link"])
    assert LINK.search(printed.output)


def test_no_link_or_token_reaches_the_logs_on_the_way_out(
    client, runner, db, make_employee, mail, mail_server, caplog
):
    newcomer = make_employee(password=None)
    with caplog.at_level(logging.DEBUG):
        runner.invoke(args=["people", "invite", newcomer.email])
        ask_for_reset(client, newcomer.email)
        clock.advance(timedelta(minutes=16))
        ask_for_reset(client, newcomer.email)
        mail("send")
    links = {link for received in mail_server.received for link in LINK.findall(received.text)}
    assert len(links) == 2
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for link in links:
        assert link.rpartition("/")[2] not in logged
