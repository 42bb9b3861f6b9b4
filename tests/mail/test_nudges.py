"""A manager's nudge from the team page: one email, at most one per person per day."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lms import clock
from lms.audit.models import AuditEvent
from lms.mail.models import OutboxMessage
from tests.helpers import csrf_token

ESSENTIALS, GUIDELINE = "social-media-essentials", "social-media-guideline"


def nudge(client, enrollment_id: int):
    token = csrf_token(client, "/reports/team")
    return client.post(
        f"/reports/team/nudge/{enrollment_id}",
        data={"csrf_token": token, "next": "/reports/team?status=overdue"},
    )


def test_a_manager_nudges_an_overdue_person_once_a_day(
    client, login, db, org, shipped_courses, enrol, mail, mail_server
):
    late = enrol(org["staff"], shipped_courses[ESSENTIALS], due_at=clock.now() - timedelta(days=3))
    also_late = enrol(
        org["staff"], shipped_courses[GUIDELINE], due_at=clock.now() - timedelta(days=1)
    )
    login(org["lead"])
    page = client.get("/reports/team").get_data(as_text=True)
    assert f'action="/reports/team/nudge/{late.id}"' in page

    response = nudge(client, late.id)
    assert response.status_code == 302
    assert response.headers["Location"] == "/reports/team?status=overdue"
    assert "A reminder from you is on its way to Sia Staff." in client.get("/").get_data(
        as_text=True
    )
    mail("send")
    [received] = mail_server.received
    assert received.recipients == [org["staff"].email]
    assert received.email["Subject"] == (
        "Lee Lead asks you to finish Social media essentials for professionals"
    )
    assert "was due on 27 February 2026" in received.text
    assert 'href="http://postwise.test/courses/social-media-essentials"' in received.html

    # The same day, about another course or from someone else: refused.
    nudge(client, also_late.id)
    assert "Sia Staff has already been reminded today" in client.get("/").get_data(as_text=True)
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    login(org["hr"])
    nudge(client, also_late.id)
    db.rollback()
    assert len(db.scalars(select(OutboxMessage)).all()) == 1

    clock.advance(timedelta(days=1))
    client.get("/")  # the session has ended overnight
    login(org["hr"])
    nudge(client, also_late.id)
    db.rollback()
    assert len(db.scalars(select(OutboxMessage)).all()) == 2
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.action == "mail.nudged"))
    assert len(actions.all()) == 2


def test_only_overdue_people_in_the_line_can_be_nudged(
    client, login, db, org, shipped_courses, enrol
):
    on_time = enrol(org["staff2"], shipped_courses[ESSENTIALS])
    outside = enrol(
        org["outsider"], shipped_courses[ESSENTIALS], due_at=clock.now() - timedelta(days=3)
    )
    login(org["lead"])
    assert 'action="/reports/team/nudge/' not in client.get("/reports/team").get_data(as_text=True)
    nudge(client, on_time.id)
    assert "Tom Staff is not overdue" in client.get("/").get_data(as_text=True)
    assert nudge(client, outside.id).status_code == 404
    assert nudge(client, 999_999).status_code == 404
    db.rollback()
    assert db.scalars(select(OutboxMessage)).all() == []
