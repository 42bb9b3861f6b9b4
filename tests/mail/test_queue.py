"""`lms mail queue`: which reminders it queues, and that running it again queues nothing.

The clock is moved with lms.clock.advance (never slept), so due dates come and go.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from sqlalchemy import select

from lms import PROJECT_ROOT, clock
from lms.courses.packs import read_pack
from lms.courses.services import import_pack, publish_version
from lms.learning.certificates import issue_certificate
from lms.learning.guideline import acknowledge
from lms.mail.models import OutboxMessage
from tests.helpers import fresh

ESSENTIALS, GUIDELINE = "social-media-essentials", "social-media-guideline"
TITLE = "Social media essentials for professionals"


def outbox(db, kind: str | None = None) -> list[OutboxMessage]:
    db.rollback()
    statement = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        statement = statement.where(OutboxMessage.kind == kind)
    return list(db.scalars(statement))


def kinds_for(db, employee) -> list[str]:
    return [m.kind for m in outbox(db) if m.employee_id == employee.id]


def test_a_new_assignment_is_announced_once(db, org, shipped_courses, enrol, mail):
    enrol(org["staff"], shipped_courses[ESSENTIALS], due_at=clock.now() + timedelta(days=30))
    first = mail("queue")
    assert first.exit_code == 0, first.output
    assert "queued 1 (1 assigned)" in first.output
    [message] = outbox(db)
    assert (message.to_address, message.status) == (org["staff"].email, "queued")
    assert message.subject == f"New course for you: {TITLE} (due 1 April 2026)"
    assert "http://postwise.test/courses/social-media-essentials" in message.text_body
    assert 'href="http://postwise.test/courses/social-media-essentials"' in message.html_body

    again = mail("queue")
    assert "nothing new was due" in again.output
    assert len(outbox(db)) == 1


def test_reminders_follow_the_due_date_as_the_clock_moves(db, org, shipped_courses, enrol, mail):
    enrol(org["staff"], shipped_courses[ESSENTIALS], due_at=clock.now() + timedelta(days=30))
    sent_on: dict[int, list[str]] = {}
    for day in range(50):
        before = len(kinds_for(db, org["staff"]))
        mail("queue")
        mail("queue")  # twice a day changes nothing
        if new := kinds_for(db, org["staff"])[before:]:
            sent_on[day] = new
        clock.advance(timedelta(days=1))
    assert sent_on == {
        0: ["assigned"],
        23: ["due_soon"],
        29: ["due_tomorrow"],
        31: ["overdue"],
        38: ["overdue"],
        45: ["overdue"],
    }
    due_soon = outbox(db, "due_soon")[0]
    assert due_soon.subject == f"Reminder: {TITLE} is due on 1 April 2026"
    assert "in 7 days" in due_soon.text_body
    assert outbox(db, "overdue")[0].subject == f"Overdue: {TITLE} was due on 1 April 2026"


def test_nothing_for_finished_excused_withdrawn_or_departed(db, org, shipped_courses, enrol, mail):
    version = shipped_courses[ESSENTIALS]
    overdue = clock.now() - timedelta(days=3)
    done = enrol(org["staff"], version, due_at=overdue)
    exempt = enrol(org["staff2"], version, due_at=overdue)
    withdrawn = enrol(org["lead"], version, due_at=overdue)
    enrol(org["outsider"], version, due_at=overdue)
    done.completed_at = exempt.exempted_at = withdrawn.withdrawn_at = clock.now()
    org["outsider"].is_active = False
    db.commit()
    result = mail("queue")
    assert result.exit_code == 0, result.output
    assert outbox(db) == []  # no reminder, and no digest: nobody is left to chase


def test_the_schedule_catches_up_without_sending_what_it_missed(
    db, org, shipped_courses, enrol, mail
):
    enrol(org["staff"], shipped_courses[ESSENTIALS], due_at=clock.now() + timedelta(days=10))
    clock.advance(timedelta(days=40))  # cron was off for weeks
    mail("queue")
    assert kinds_for(db, org["staff"]) == ["overdue"]


def test_a_certificate_is_announced_30_and_7_days_before_it_expires(
    db, org, shipped_courses, enrol, mail
):
    version = shipped_courses[ESSENTIALS]
    enrollment = enrol(org["staff"], version)
    enrollment.version_id, enrollment.recertify_months = version.id, 12
    enrollment.completed_at = clock.now()
    certificate = issue_certificate(db, enrollment)
    db.commit()
    until = certificate.valid_until
    clock.freeze(until - timedelta(days=31))
    mail("queue")
    assert outbox(db, "certificate_expiring") == []
    clock.freeze(until - timedelta(days=30))
    mail("queue")
    clock.freeze(until - timedelta(days=20))
    mail("queue")
    clock.freeze(until - timedelta(days=7))
    mail("queue")
    clock.freeze(until - timedelta(hours=1))
    mail("queue")
    messages = outbox(db, "certificate_expiring")
    assert [m.subject for m in messages] == [
        f"Your certificate for {TITLE} expires on 2 March 2027"
    ] * 2
    assert "30 days from now" in messages[0].text_body
    assert "7 days from now" in messages[1].text_body


def test_a_guideline_that_asks_again_reminds_those_who_acknowledged_before(
    db, org, shipped_courses, mail
):
    first = shipped_courses[GUIDELINE]
    acknowledge(db, org["staff"].id, first, None)
    acknowledge(db, org["staff2"].id, first, None)
    db.commit()
    mail("queue")
    assert outbox(db, "guideline_again") == []

    pack = read_pack(PROJECT_ROOT / "courses" / GUIDELINE)
    changed = dataclasses.replace(pack.lessons[0], body=pack.lessons[0].body + "\nNew line.\n")
    second = import_pack(
        db, dataclasses.replace(pack, lessons=(changed, *pack.lessons[1:])), publish=False
    ).version
    publish_version(db, second, requires_reacknowledgement=True)
    db.commit()
    acknowledge(db, org["staff2"].id, second, None)  # already done it: no reminder
    db.commit()
    mail("queue")
    mail("queue")
    [message] = outbox(db, "guideline_again")
    assert message.to_address == org["staff"].email
    assert message.subject == "Please read the updated social media guideline"
    assert "http://postwise.test/guideline" in message.text_body


def test_a_manager_gets_a_weekly_digest_of_their_whole_line(db, org, shipped_courses, enrol, mail):
    version = shipped_courses[ESSENTIALS]
    enrol(org["staff"], version, due_at=clock.now() - timedelta(days=2))
    enrol(org["staff2"], version, due_at=clock.now() + timedelta(days=20))  # not overdue
    enrol(org["outsider"], version, due_at=clock.now() - timedelta(days=2))
    mail("queue")
    digests = {m.to_address: m for m in outbox(db, "manager_digest")}
    # The lead and the senior manager above them; nobody manages the outsider.
    assert set(digests) == {org["lead"].email, org["senior"].email}
    senior = digests[org["senior"].email]
    assert senior.subject == "Your team this week: 1 person overdue"
    assert f"Sia Staff (Marketing): {TITLE}, due 28 February 2026" in senior.text_body
    assert "Tom Staff" not in senior.text_body
    assert "http://postwise.test/reports/team?status=overdue&amp;sort=due" in senior.html_body
    assert "http://postwise.test/settings/email" in senior.text_body

    clock.advance(timedelta(days=3))  # same ISO week: nothing new
    mail("queue")
    assert len(outbox(db, "manager_digest")) == 2
    clock.advance(timedelta(days=7))
    mail("queue")
    assert len(outbox(db, "manager_digest")) == 4


def test_a_manager_who_switched_the_digest_off_gets_none(db, org, shipped_courses, enrol, mail):
    enrol(org["staff"], shipped_courses[ESSENTIALS], due_at=clock.now() - timedelta(days=2))
    lead = fresh(db, type(org["lead"]), org["lead"].id)
    lead.weekly_digest = False
    db.commit()
    mail("queue")
    assert [m.to_address for m in outbox(db, "manager_digest")] == [org["senior"].email]


def test_a_course_chosen_from_the_catalogue_is_not_announced_but_a_renewal_is(
    db, org, shipped_courses, enrol, mail
):
    version = shipped_courses[ESSENTIALS]
    chosen = enrol(org["staff"], version, due_at=None)
    chosen.source = "self"
    renewal = enrol(org["staff2"], version)
    renewal.cycle = 2
    db.commit()
    mail("queue")
    [message] = outbox(db)
    assert message.to_address == org["staff2"].email
    assert message.subject == f"Time to renew: {TITLE} (due 16 March 2026)"
    assert "Your certificate for" in message.text_body


def test_someone_assigned_the_guideline_again_gets_one_message_not_two(
    db, org, shipped_courses, mail
):
    """A version asking everyone again opens a new cycle of the guideline course: its
    "assigned" reminder says so, and the separate "read it again" one is not sent too."""
    from lms.assignments.services import RuleSpec, create_rule
    from lms.assignments.sync import sync_assignments
    from lms.courses.author_notes import without_author_notes
    from lms.learning.services import acknowledge_guideline

    create_rule(db, RuleSpec(GUIDELINE, "everyone", due_days=30), actor_id=None)
    sync_assignments(db)
    acknowledge_guideline(db, org["staff"].id, shipped_courses[GUIDELINE], None)
    db.commit()
    mail("queue")
    pack = without_author_notes(read_pack(PROJECT_ROOT / "courses" / GUIDELINE))
    changed = dataclasses.replace(pack.lessons[0], body=pack.lessons[0].body + "\nNew line.\n")
    second = import_pack(
        db, dataclasses.replace(pack, lessons=(changed, *pack.lessons[1:])), publish=False
    ).version
    publish_version(db, second, requires_reacknowledgement=True)
    sync_assignments(db)
    db.commit()
    mail("queue")
    assert kinds_for(db, org["staff"]) == ["assigned"]  # of the new cycle; the first was done
