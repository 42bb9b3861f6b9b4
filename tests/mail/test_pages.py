"""HR's outbox page with its retry buttons, and everyone's email settings."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from lms import clock
from lms.mail.models import OutboxMessage
from lms.people.models import Employee
from tests.helpers import csrf_token, fresh
from tests.mail.helpers import messages, queue


def fail_all(db, error: str = "550 5.1.1 No such user here") -> None:
    db.execute(update(OutboxMessage).values(status="failed", attempts=10, last_error=error))
    db.commit()


def test_the_outbox_shows_each_state_and_the_servers_error(client, login, db, org):
    queue(db, 3)
    fail_all(db)
    queue(db, 2, kind="nudge")
    login(org["hr"])
    page = client.get("/mail/outbox").get_data(as_text=True)
    assert "Queued: 2" in page and "Failed: 3" in page and "All: 5" in page
    assert "Last error: 550 5.1.1 No such user here" in page
    assert "Plain text" not in page  # bodies are never shown
    failed_only = client.get("/mail/outbox?status=failed").get_data(as_text=True)
    assert failed_only.count("learner") == 3
    assert "Nudge from a manager" not in failed_only
    assert client.get("/mail/outbox?status=nonsense").status_code == 200


def test_retry_queues_a_failed_message_again_and_it_is_delivered(
    client, login, db, org, mail, mail_server
):
    queue(db, 2)
    fail_all(db)
    first = messages(db)[0]
    login(org["hr"])
    token = csrf_token(client, "/mail/outbox")
    response = client.post(f"/mail/outbox/{first.id}/retry", data={"csrf_token": token})
    assert response.status_code == 302
    assert "is queued again" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert [(m.status, m.attempts) for m in messages(db)] == [("queued", 0), ("failed", 10)]
    # Only a failed message can be retried.
    again = client.post(f"/mail/outbox/{first.id}/retry", data={"csrf_token": token})
    assert again.status_code == 404

    client.post("/mail/outbox/retry-failed", data={"csrf_token": token})
    assert {m.status for m in messages(db)} == {"queued"}
    mail("send")
    assert len(mail_server.received) == 2


def test_a_manager_switches_the_weekly_digest_off_and_on(
    client, login, db, org, shipped_courses, enrol, mail
):
    late = clock.now() - timedelta(days=1)
    enrol(org["staff"], shipped_courses["social-media-essentials"], due_at=late)
    login(org["lead"])
    page = client.get("/settings/email").get_data(as_text=True)
    assert 'name="weekly_digest"' in page and "checked" in page
    token = csrf_token(client, "/settings/email")
    response = client.post("/settings/email", data={"csrf_token": token})
    assert response.status_code == 302
    assert "You will not get the weekly digest any more" in client.get("/").get_data(as_text=True)
    assert fresh(db, Employee, org["lead"].id).weekly_digest is False
    mail("queue")
    db.rollback()
    digests = select(OutboxMessage.to_address).where(OutboxMessage.kind == "manager_digest")
    assert db.scalars(digests).all() == [org["senior"].email]

    client.post("/settings/email", data={"csrf_token": token, "weekly_digest": "y"})
    assert fresh(db, Employee, org["lead"].id).weekly_digest is True


def test_an_employee_has_no_digest_to_choose(client, login, db, org):
    login(org["staff"])
    page = client.get("/settings/email").get_data(as_text=True)
    assert 'name="weekly_digest"' not in page
    assert "cannot be switched off" in page
    token = csrf_token(client, "/")
    client.post("/settings/email", data={"csrf_token": token})
    assert fresh(db, Employee, org["staff"].id).weekly_digest is True
