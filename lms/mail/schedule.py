"""When each reminder is due: pure rules over dates, with no database and no clock.

Every reminder has a window. It is queued by the first `lms mail queue` run inside the
window, and never after it closes, so a schedule that stopped for a while catches up with
what is due now instead of sending everything it missed. Each reminder has a key that
names its window, so it is queued once however often the schedule runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

ASSIGNED, DUE_SOON, DUE_TOMORROW, OVERDUE = "assigned", "due_soon", "due_tomorrow", "overdue"
EXPIRING = "certificate_expiring"
DAY, WEEK = timedelta(days=1), timedelta(days=7)
NEWS_FOR = WEEK  # how long "a course was assigned to you" is still worth an email


@dataclass(frozen=True)
class Due:
    kind: str
    key: str  # unique per enrollment (or certificate) and window


def course_reminders(
    enrollment_id: int, assigned_at: datetime, due_at: datetime | None, now: datetime
) -> list[Due]:
    """The reminders an open enrollment (not completed, exempted or withdrawn) is due now.

    - assigned: for a week after assignment, while not yet overdue;
    - due in 7 days, and due tomorrow: from 7 days (1 day) before the due date, unless the
      course was assigned inside that window (the assignment email said the date already);
    - overdue: the day after the due date, then once a week.
    """
    due: list[Due] = []
    if assigned_at <= now < assigned_at + NEWS_FOR and (due_at is None or now < due_at):
        due.append(Due(ASSIGNED, f"{ASSIGNED}:{enrollment_id}"))
    if due_at is None:
        return due
    day = f"{due_at:%Y-%m-%d}"  # a new due date (HR extended it) is a new set of reminders
    for kind, before, until in ((DUE_SOON, WEEK, DAY), (DUE_TOMORROW, DAY, timedelta(0))):
        opens = due_at - before
        if assigned_at < opens <= now < due_at - until:
            due.append(Due(kind, f"{kind}:{enrollment_id}:{day}"))
    first_overdue = due_at + DAY
    if now >= first_overdue:
        week = (now - first_overdue) // WEEK
        due.append(Due(OVERDUE, f"{OVERDUE}:{enrollment_id}:{day}:{week}"))
    return due


def expiry_reminder(certificate_id: int, valid_until: datetime, now: datetime) -> Due | None:
    """30 days before a certificate expires, and again 7 days before."""
    if not now < valid_until:
        return None
    for days in (7, 30):
        if now >= valid_until - timedelta(days=days):
            return Due(EXPIRING, f"{EXPIRING}:{certificate_id}:{days}")
    return None


def digest_week(now: datetime) -> str:
    """The ISO week a manager's weekly digest belongs to, for example 2026-W49."""
    year, week, _ = now.isocalendar()
    return f"{year}-W{week:02d}"
