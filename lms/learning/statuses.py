"""Where a person stands with a course, in Python for one enrollment and in SQL for many.

Both forms give the same answer for every combination of dates (a test checks them against
each other), so a report that filters or counts by status in the database agrees with the
badge the learner sees.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, FromClause, bindparam, case, literal

from lms import clock
from lms.db import UTCDateTime
from lms.messages import N_, Message

NOT_STARTED, IN_PROGRESS, COMPLETED, OVERDUE = "not started", "in progress", "completed", "overdue"
# Set by HR, never by taking the course: shown as such, never as an ordinary completion.
EXEMPTED, COMPLETED_ELSEWHERE = "exempted", "completed elsewhere"
# Most urgent first: the order lists and reports show them in.
STATUSES = (OVERDUE, IN_PROGRESS, NOT_STARTED, COMPLETED, COMPLETED_ELSEWHERE, EXEMPTED)
DONE = (COMPLETED, COMPLETED_ELSEWHERE)
# Not a learning status: an assignment HR or a rule took back (lms.assignments.individual).
WITHDRAWN = "withdrawn"

# What people read for each code; the codes themselves stay in URLs, CSV files and the API.
LABELS: dict[str, Message] = {
    NOT_STARTED: N_("Not started"),
    IN_PROGRESS: N_("In progress"),
    COMPLETED: N_("Completed"),
    OVERDUE: N_("Overdue"),
    EXEMPTED: N_("Exempted"),
    COMPLETED_ELSEWHERE: N_("Completed elsewhere"),
    WITHDRAWN: N_("Withdrawn"),
}


class _Dates:
    """What the status depends on (an Enrollment has these attributes)."""

    completed_at: datetime | None
    completion_recorded_at: datetime | None
    exempted_at: datetime | None
    due_at: datetime | None
    started_at: datetime | None


def status_of(enrollment: _Dates, now: datetime) -> str:
    """Completed (here or elsewhere), exempted, overdue (past due and not completed),
    in progress or not started. An exemption is never overdue."""
    if enrollment.completed_at is not None:
        return COMPLETED if enrollment.completion_recorded_at is None else COMPLETED_ELSEWHERE
    if enrollment.exempted_at is not None:
        return EXEMPTED
    if enrollment.due_at is not None and enrollment.due_at < now:
        return OVERDUE
    return IN_PROGRESS if enrollment.started_at is not None else NOT_STARTED


def status_sql(enrollments: FromClause, now: datetime | None = None) -> ColumnElement[str]:
    """status_of as a SQL expression over a table (or alias) of enrollments.

    Without `now`, "overdue" is judged at the clock's time when the statement runs, so the
    expression can be built once and reused (building a CASE costs more than running it).
    """
    c = enrollments.c
    moment = (
        bindparam("status_now", callable_=clock.now, type_=UTCDateTime())
        if now is None
        else bindparam("status_now", now, type_=UTCDateTime())
    )
    return case(
        (c.completed_at.is_not(None) & c.completion_recorded_at.is_(None), literal(COMPLETED)),
        (c.completed_at.is_not(None), literal(COMPLETED_ELSEWHERE)),
        (c.exempted_at.is_not(None), literal(EXEMPTED)),
        (c.due_at < moment, literal(OVERDUE)),
        (c.started_at.is_not(None), literal(IN_PROGRESS)),
        else_=literal(NOT_STARTED),
    )
