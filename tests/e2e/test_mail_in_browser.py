"""In the browser, with a real SMTP server on loopback: a manager nudges an overdue person
who follows the emailed link to the course; a newcomer sets a password from an emailed link;
HR reads the outbox."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from lms import clock
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import main_nav, sign_in
from tests.helpers import PASSWORD
from tests.smtp_server import MailServer

ESSENTIALS = "social-media-essentials"
BASE = "http://postwise.test"


@pytest.fixture
def app(make_app: Callable[..., Flask], mail_server: MailServer) -> Flask:
    return make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=mail_server.port, SMTP_TIMEOUT_SECONDS=5)


def send_mail(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output


def link_to(section: str, text: str) -> str:
    """The one link in a message into a section of Postwise (/courses/…), as a path."""
    [link] = set(re.findall(rf"{re.escape(BASE)}(/{section}/[^\s]*)", text))
    return link


def test_a_nudge_arrives_and_its_link_opens_the_course(
    page: Page, app, db, org, shipped_courses, enrol, mail_server
) -> None:
    enrol(org["staff"], shipped_courses[ESSENTIALS], due_at=clock.now() - timedelta(days=2))
    sign_in(page, org["lead"].email, PASSWORD)
    main_nav(page).get_by_role("link", name="My team").click()
    page.get_by_role("button", name=re.compile(r"Nudge Sia Staff about Social media")).click()
    expect(page.get_by_text("A reminder from you is on its way to Sia Staff.")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name="My team")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile(r"Nudge Sia Staff")).click()
    expect(page.get_by_text("Sia Staff has already been reminded today.")).to_be_visible()

    send_mail(app)
    [received] = mail_server.to(org["staff"].email)
    assert received.email["Subject"].startswith("Lee Lead asks you to finish")
    path = link_to("courses", received.text)
    page.get_by_role("button", name="Sign out").click()
    page.goto(path)  # signed out: the sign-in page, then straight on to the course
    page.get_by_label("Email").fill(org["staff"].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(rf"/courses/{ESSENTIALS}$"))
    expect(page.get_by_text("Overdue").first).to_be_visible()


def test_a_newcomer_sets_a_password_from_an_emailed_link(
    page: Page, app, make_employee, mail_server
) -> None:
    newcomer = make_employee(first_name="Nia", last_name="New", password=None)
    page.goto("/sign-in")
    page.get_by_role("link", name="Get a link to set one").click()
    expect(page.get_by_role("heading", level=1, name="Set a password")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email").fill(newcomer.email)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_text(re.compile(r"a link to set a password is on its way"))).to_be_visible()

    send_mail(app)
    [received] = mail_server.to(newcomer.email)
    page.goto(link_to("invite", received.text))
    new_password = "nia-chooses-a-long-password"
    page.get_by_label("New password").fill(new_password)
    page.get_by_label("Type it again").fill(new_password)
    page.get_by_role("button", name=re.compile("password", re.I)).click()
    expect(page.get_by_text("Your password is set and you are signed in.")).to_be_visible()


def test_hr_emails_an_invite_from_a_persons_page(
    page: Page, app, make_employee, org, mail_server
) -> None:
    newcomer = make_employee(first_name="Nia", last_name="New", password=None)
    sign_in(page, org["hr"].email, PASSWORD)
    page.goto(f"/people/{newcomer.id}")
    expect(page.get_by_text("Has not set a password yet.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Email an invite").click()
    expect(page.get_by_text(f"An invite is on its way to {newcomer.email}.")).to_be_visible()
    send_mail(app)
    [received] = mail_server.to(newcomer.email)
    assert received.email["Subject"] == "Set your Postwise password"
    assert link_to("invite", received.text)


def test_hr_reads_the_outbox_and_a_manager_their_email_settings(
    page: Page, app, db, org, shipped_courses, enrol, mail_server
) -> None:
    enrol(org["staff"], shipped_courses[ESSENTIALS], due_at=clock.now() - timedelta(days=2))
    app.test_cli_runner().invoke(args=["mail", "queue"])
    mail_server.recorder.refuse_with = "550 5.1.1 No such user here"
    app.test_cli_runner().invoke(args=["mail", "send"])
    sign_in(page, org["hr"].email, PASSWORD)
    main_nav(page).get_by_role("link", name="Outbox").click()
    expect(page.get_by_role("heading", level=1, name="Outbox")).to_be_visible()
    expect(page.get_by_text("Last error: 550 5.1.1 No such user here").first).to_be_visible()
    assert_accessible(page)
    mail_server.recorder.refuse_with = None
    page.get_by_role("button", name="Retry", exact=True).first.click()
    expect(page.get_by_text(re.compile(r"to \S+ is queued again"))).to_be_visible()
    expect(page.get_by_text("Queued: 1")).to_be_visible()
    page.goto("/mail/outbox")
    page.get_by_role("button", name=re.compile(r"Retry all \d+ failed")).click()
    queued_again = re.compile(r"\d+ failed messages? (is|are) queued again")
    expect(page.get_by_text(queued_again)).to_be_visible()
    send_mail(app)
    page.reload()
    expect(page.get_by_text("Failed: 0")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, org["lead"].email, PASSWORD)
    page.get_by_role("link", name="Email settings").click()
    digest = page.get_by_label("Send me a weekly digest of the overdue people in my team")
    expect(digest).to_be_checked()
    assert_accessible(page)
    digest.uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("You will not get the weekly digest any more.")).to_be_visible()
    expect(digest).not_to_be_checked()
