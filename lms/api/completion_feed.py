"""The completions the API hands out: the report's rows, in id order, a page at a time."""

from __future__ import annotations

from dataclasses import astuple, dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.learning.models import Enrollment
from lms.people.models import Employee
from lms.people.org import Scope, reporting_line
from lms.reports.completions import CompletionFilter, feed_statement


@dataclass(frozen=True)
class FeedFilter:
    """What a client narrows the feed to (every field optional)."""

    updated_since: datetime | None = None
    course: str = ""
    status: str = ""
    department: str = ""
    manager_id: int | None = None  # that manager's whole line


@dataclass(frozen=True)
class FeedRow:
    """One enrollment as the API shows it."""

    id: int
    employee_id: str
    email: str
    name: str
    department: str | None
    manager_email: str | None
    course: str
    version: int | None
    status: str
    assigned_at: datetime
    due_at: datetime | None
    started_at: datetime | None
    completed_at: datetime | None
    score: int | None
    updated_at: datetime

    def as_json(self) -> dict[str, Any]:
        """The row as CompletionSchema dumps it, built directly: marshmallow's dump was 40% of
        a page's time (benchmarks/api_speed.py); tests/api/test_completions.py keeps them equal."""
        return {
            name: value.isoformat() if isinstance(value, datetime) else value
            for name, value in zip(_NAMES, astuple(self), strict=True)
        }


_NAMES = tuple(field.name for field in fields(FeedRow))


def manager_in_scope(session: Session, scope: Scope, email: str) -> int | None:
    """The id of the manager with this address, if the client's scope holds them."""
    query = select(Employee.id).where(Employee.email == email.strip().lower())
    if not scope.is_everyone:
        query = query.where(scope.covers(Employee.id) | (Employee.id == scope.manager_id))
    return session.scalar(query)


def feed_page(
    session: Session, scope: Scope, filters: FeedFilter, after_id: int, limit: int
) -> tuple[list[FeedRow], bool]:
    """Up to `limit` rows with ids above `after_id`, and whether more follow; one query.

    Leavers are included (their history is part of the record).
    """
    report = CompletionFilter(
        course=filters.course,
        status=filters.status,
        department=filters.department,
        include_inactive=True,
    )
    query = feed_statement(scope, report).where(Enrollment.id > after_id)
    if filters.updated_since is not None:
        query = query.where(Enrollment.updated_at >= filters.updated_since)
    if filters.manager_id is not None:
        query = query.where(Employee.id.in_(reporting_line(filters.manager_id, "asked_line")))
    rows = [
        FeedRow(*row) for row in session.execute(query.order_by(Enrollment.id).limit(limit + 1))
    ]
    return rows[:limit], len(rows) > limit
