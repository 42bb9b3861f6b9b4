"""When each reminder falls due: the pure rules, checked day by day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lms.mail.schedule import course_reminders, digest_week, expiry_reminder

ASSIGNED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DUE = ASSIGNED + timedelta(days=30)  # 1 April 2026, 09:00


def kinds_on(day: timedelta, *, assigned: datetime = ASSIGNED, due: datetime | None = DUE):
    return [r.kind for r in course_reminders(7, assigned, due, ASSIGNED + day)]


def test_each_stage_has_its_window():
    assert kinds_on(timedelta(0)) == ["assigned"]
    assert kinds_on(timedelta(days=6, hours=23)) == ["assigned"]
    assert kinds_on(timedelta(days=7)) == []  # an assignment a week old is not news
    assert kinds_on(timedelta(days=22, hours=23)) == []
    assert kinds_on(timedelta(days=23)) == ["due_soon"]  # 7 days before
    assert kinds_on(timedelta(days=28, hours=23)) == ["due_soon"]
    assert kinds_on(timedelta(days=29)) == ["due_tomorrow"]
    assert kinds_on(timedelta(days=29, hours=23)) == ["due_tomorrow"]
    assert kinds_on(timedelta(days=30, hours=12)) == []  # due today: overdue tomorrow
    assert kinds_on(timedelta(days=31)) == ["overdue"]


def test_overdue_repeats_weekly_with_a_new_key_each_week():
    keys = {
        course_reminders(7, ASSIGNED, DUE, DUE + timedelta(days=d)).pop().key for d in range(1, 30)
    }
    assert keys == {f"overdue:7:2026-04-01:{week}" for week in range(5)}


def test_a_course_assigned_inside_a_window_skips_that_reminder():
    assigned = DUE - timedelta(days=5)  # the assignment email gave the date already
    assert kinds_on(timedelta(days=26), assigned=assigned) == ["assigned"]
    assert kinds_on(timedelta(days=29), assigned=assigned) == ["assigned", "due_tomorrow"]
    assigned = DUE - timedelta(hours=12)
    assert kinds_on(timedelta(days=29, hours=22), assigned=assigned) == ["assigned"]


def test_a_course_without_a_due_date_is_only_announced():
    assert kinds_on(timedelta(0), due=None) == ["assigned"]
    assert kinds_on(timedelta(days=400), due=None) == []


def test_a_new_due_date_is_a_new_set_of_reminders():
    before = course_reminders(7, ASSIGNED, DUE, DUE - timedelta(days=3))
    later = DUE + timedelta(days=14)
    after = course_reminders(7, ASSIGNED, later, later - timedelta(days=3))
    assert before[0].kind == after[0].kind == "due_soon"
    assert before[0].key != after[0].key


def test_certificate_expiry_30_then_7_days_before():
    until = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)
    at = lambda days: expiry_reminder(3, until, until - timedelta(days=days))  # noqa: E731
    assert at(31) is None
    assert at(30).key == at(8).key == "certificate_expiring:3:30"
    assert at(7).key == at(0.01).key == "certificate_expiring:3:7"
    assert at(0) is None  # expired: renewal is the sync's job


def test_digest_weeks_follow_the_iso_calendar():
    assert digest_week(datetime(2026, 12, 28, tzinfo=UTC)) == "2026-W53"
    assert digest_week(datetime(2027, 1, 3, tzinfo=UTC)) == "2026-W53"
    assert digest_week(datetime(2027, 1, 4, tzinfo=UTC)) == "2027-W01"
