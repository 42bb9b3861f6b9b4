"""The audit log as HR reads it: filtered, paged, or streamed as a file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from lms.audit.models import AuditEvent
from lms.paging import page_within
from lms.people.models import Employee

PAGE_SIZE = 50
CSV_HEADER = ["time_utc", "actor", "action", "target", "before", "after"]


@dataclass(frozen=True)
class AuditFilter:
    actor_email: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None  # inclusive


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    actor: str  # "the command line" when no person acted


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    page: int
    pages: int


def _query(filters: AuditFilter) -> Select[tuple[AuditEvent, str | None]]:
    query = select(AuditEvent, Employee.email).outerjoin(
        Employee, AuditEvent.actor_id == Employee.id
    )
    if filters.actor_email:
        query = query.where(Employee.email == filters.actor_email.strip().lower())
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.since:
        query = query.where(AuditEvent.at >= datetime.combine(filters.since, time(), UTC))
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), time(), UTC)
        query = query.where(AuditEvent.at < end)
    return query


def audit_page(session: Session, filters: AuditFilter, page: int = 1) -> AuditPage:
    """One page of events, newest first; two queries whatever the log's size."""
    query = _query(filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page, pages = page_within(page, total, PAGE_SIZE)
    rows = session.execute(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return AuditPage(
        [AuditRow(event, email or "the command line") for event, email in rows], total, page, pages
    )


def audit_rows(session: Session, filters: AuditFilter) -> Iterator[list[object]]:
    """Every matching event as a CSV row, oldest first, read in batches (constant memory)."""
    rows = session.execute(
        _query(filters).order_by(AuditEvent.at, AuditEvent.id).execution_options(yield_per=1000)
    )
    with rows:  # a download stopped half way (the browser went away) closes its cursor
        for event, email in rows:
            yield [
                event.at.strftime("%Y-%m-%d %H:%M:%S"),
                email or "command line",
                event.action,
                event.target,
                event.before or "",
                event.after or "",
            ]
