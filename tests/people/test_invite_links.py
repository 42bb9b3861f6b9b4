"""Inviting from the browser: one person's link on their page, many people at once from the
list; emailed when SMTP is set, otherwise shown once and offered as a CSV file."""

from __future__ import annotations

import csv
import html
import io
import logging
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import clock
from lms.audit.models import AuditEvent
from lms.mail.models import OutboxMessage
from lms.people.models import Employee
from tests.helpers import csrf_token, fresh, sign_in
from tests.smtp_server import MailServer

LINK = re.compile(r"http://postwise\.test/invite/[\w.\-]+")
BATCH = re.compile(r'name="batch" type="hidden" value="([^"]+)"')
NEW_PASSWORD = "lantern-harbour-velvet-9"


def text_of(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def issued(db: Session) -> list[tuple[str, int | None]]:
    """The invite links recorded in the audit log: whom for, and who issued them."""
    db.rollback()
    return [
        (event.target, event.actor_id)
        for event in db.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "password_link.issued")
            .order_by(AuditEvent.id)
        )
    ]


def link_for(response: Any, name: str) -> str:
    """The link shown on a links page for one person."""
    pattern = rf'value="([^"]+)" aria-label="Invite link for {re.escape(name)}"'
    match = re.search(pattern, text_of(response))
    assert match, f"no link for {name}"
    return match.group(1)


def post(client: FlaskClient, path: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    token = csrf_token(client, "/people/")
    return client.post(path, data={"csrf_token": token, **(data or {})}, **kw)


@pytest.fixture
def newcomers(make_employee: Callable[..., Employee]) -> dict[str, Employee]:
    """Two people without a password, one who has one, and a leaver without one."""
    return {
        "nia": make_employee(first_name="Nia", last_name="New", password=None),
        "noor": make_employee(first_name="=HYPERLINK(1)", last_name="Agent", password=None),
        "sam": make_employee(first_name="Sam", last_name="Signed"),
        "gone": make_employee(first_name="Gus", last_name="Gone", password=None, is_active=False),
    }


# ------------------------------------------------------------------ one person, no mail


def test_hr_creates_a_link_on_the_person_page_that_is_shown_once_and_works(
    app: Flask, client, login, db, org, newcomers, caplog
):
    nia = newcomers["nia"]
    login(org["hr"])
    page = text_of(client.get(f"/people/{nia.id}"))
    assert "Create an invite link" in page and "Email an invite" not in page
    assert "Create an invite link" not in text_of(client.get(f"/people/{newcomers['sam'].id}"))

    with caplog.at_level(logging.DEBUG):
        response = post(client, f"/people/{nia.id}/invite-link")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    shown = text_of(response)
    assert "Invite link for Nia New" in shown
    assert "Postwise shows this link only once" in shown
    (link,) = LINK.findall(shown)
    token = link.rpartition("/")[2]
    # Audited, naming HR; neither the audit log nor any log line holds the token.
    assert issued(db) == [(f"employee {nia.hris_id} ({nia.email})", org["hr"].id)]
    db.rollback()
    assert all(token not in (e.target + (e.after or "")) for e in db.scalars(select(AuditEvent)))
    assert all(token not in record.getMessage() for record in caplog.records)

    someone = app.test_client()
    path = link.removeprefix("http://postwise.test")
    assert "Choose your password" in text_of(someone.get(path))
    form = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert (
        someone.post(path, data={**form, "csrf_token": csrf_token(someone, path)}).status_code
        == 302
    )
    assert fresh(db, Employee, nia.id).password_hash


@pytest.mark.parametrize(
    ("person", "message"),
    [
        ("sam", "Sam Signed has a password already."),
        ("gone", "Gus Gone has left, so they cannot be invited."),
    ],
)
def test_no_link_for_someone_with_a_password_or_who_left(
    client, login, db, org, newcomers, person, message
):
    login(org["hr"])
    response = post(client, f"/people/{newcomers[person].id}/invite-link", follow_redirects=True)
    assert message in text_of(response)
    assert not LINK.search(text_of(response))
    assert issued(db) == []


# ------------------------------------------------------------------ many people, no mail


def test_hr_invites_the_people_ticked_and_downloads_the_same_links(
    client, login, db, org, newcomers
):
    login(org["hr"])
    listing = text_of(client.get("/people/"))
    assert f'name="person" value="{newcomers["nia"].id}"' in listing
    assert f'name="person" value="{newcomers["sam"].id}"' not in listing  # has a password
    assert "Invite everyone without a password" in listing

    ticked = [newcomers[key].id for key in ("nia", "noor", "sam", "gone")]
    response = post(client, "/people/invite", {"person": ticked, "scope": "ticked"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = text_of(response)
    assert "Invite links for 2 people" in page
    assert "Not invited: 1 person ticked already has a password and 1 person ticked has left." in (
        page
    )
    links = LINK.findall(page)
    assert len(links) == 2
    assert len(issued(db)) == 2

    batch = BATCH.search(response.get_data(as_text=True))
    assert batch
    download = post(client, "/people/invite-links.csv", {"batch": html.unescape(batch.group(1))})
    assert download.status_code == 200
    assert download.mimetype == "text/csv"
    assert download.headers["Cache-Control"] == "no-store"
    assert re.fullmatch(
        r'attachment; filename="postwise-invite-links-2026-03-02\.csv"',
        download.headers["Content-Disposition"],
    )
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
    assert rows[0] == ["Name", "Email", "Employee id", "Invite link", "Link works until (UTC)"]
    # The same links as on the page, none new; a typed formula cannot run.
    assert sorted(row[3] for row in rows[1:]) == sorted(links)
    assert {row[0] for row in rows[1:]} == {"'=HYPERLINK(1) Agent", "Nia New"}
    assert {row[4] for row in rows[1:]} == {"2026-03-05 09:00"}
    assert len(issued(db)) == 2


def test_everyone_without_a_password_is_invited_at_once(client, login, db, org, newcomers):
    login(org["hr"])
    response = post(client, "/people/invite", {"scope": "everyone"})
    page = text_of(response)
    # conftest's org all have passwords: the two newcomers are everyone without one.
    assert "Invite links for 2 people" in page
    assert "Nia New" in page and "Sam Signed" not in page and "Gus Gone" not in page
    assert len(LINK.findall(page)) == 2


def test_the_file_leaves_out_links_used_since_and_refuses_old_or_damaged_lists(
    app: Flask, client, login, db, org, newcomers
):
    login(org["hr"])
    response = post(client, "/people/invite", {"scope": "everyone"})
    batch = html.unescape(BATCH.search(response.get_data(as_text=True)).group(1))
    nia_link = link_for(response, "Nia New")
    # Nia sets her password with it: her row drops out of the file, Noor's stays.
    someone = app.test_client()
    path = nia_link.removeprefix("http://postwise.test")
    form = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert (
        someone.post(path, data={**form, "csrf_token": csrf_token(someone, path)}).status_code
        == 302
    )
    download = post(client, "/people/invite-links.csv", {"batch": batch})
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
    assert [row[0] for row in rows[1:]] == ["'=HYPERLINK(1) Agent"]

    damaged = post(
        client, "/people/invite-links.csv", {"batch": batch[:-3] + "abc"}, follow_redirects=True
    )
    assert "That list of links is damaged; create the invite links again." in text_of(damaged)
    clock.advance(timedelta(hours=72, seconds=1))
    sign_in(client := app.test_client(), org["hr"].email)
    expired = post(client, "/people/invite-links.csv", {"batch": batch}, follow_redirects=True)
    assert "These links are more than 72 hours old and no longer work." in text_of(expired)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"scope": "ticked"}, "Tick the people you want to invite"),
        ({"person": ["abc"]}, "One of the people ticked does not exist"),
        ({"person": ["9" * 5000]}, "One of the people ticked does not exist"),
        ({"person": ["0"]}, "One of the people ticked does not exist"),
        ({"scope": "all-of-them"}, "One of the people ticked does not exist"),
        ({"person": ["999999"]}, "Nobody to invite"),
    ],
)
def test_a_bad_selection_is_refused_with_a_message_and_issues_nothing(
    client, login, db, org, newcomers, data, message
):
    login(org["hr"])
    response = post(client, "/people/invite", data, follow_redirects=True)
    assert response.status_code == 200
    assert message in text_of(response)
    assert issued(db) == []


def test_managers_see_no_invite_tools_on_their_list(client, login, org):
    login(org["lead"])
    page = text_of(client.get("/people/"))
    assert "Invite everyone without a password" not in page and 'name="person"' not in page


# ------------------------------------------------------------------ many people, by email


@pytest.fixture
def mail_app(make_app: Callable[..., Flask], mail_server: MailServer) -> Flask:
    return make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=mail_server.port, SMTP_TIMEOUT_SECONDS=5)


def test_with_mail_the_people_ticked_are_emailed_once_in_15_minutes(
    mail_app: Flask, db, org, newcomers
):
    client = mail_app.test_client()
    sign_in(client, org["hr"].email)
    listing = text_of(client.get("/people/"))
    assert "Each person gets an email with a one-time link." in listing
    ids = [newcomers["nia"].id, newcomers["sam"].id]
    response = post(client, "/people/invite", {"person": ids}, follow_redirects=True)
    page = text_of(response)
    assert response.request.path == "/people/"
    assert "Invites are on their way to 1 person; each link works once, for 72 hours." in page
    assert "Not invited: 1 person ticked already has a password." in page
    assert not LINK.search(page)
    db.rollback()
    assert list(db.scalars(select(OutboxMessage.to_address))) == [newcomers["nia"].email]

    again = text_of(post(client, "/people/invite", {"scope": "everyone"}, follow_redirects=True))
    assert "Invites are on their way to 1 person" in again  # Noor, who was not ticked before
    assert "1 person got an email with a link less than 15 minutes ago" in again
    db.rollback()
    assert len(list(db.scalars(select(OutboxMessage.id)))) == 2
    assert len(issued(db)) == 2
