"""The audit log as HR reads it: filtered, paged, or streamed as a file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from lms.audit.models import AuditEvent
from lms.audit.services import action_words
from lms.languages import SOURCE_LANGUAGE
from lms.messages import N_, Message
from lms.paging import page_within
from lms.people.models import Employee
from lms.precheck.profile import setting_changes
from lms.reports.words import spoken, spoken_all

PAGE_SIZE = 50
# The first six columns are as recorded (for scripts); the last three say it in words.
# Headed in the downloading person's language; in English the names scripts have read.
HEADER = (
    N_("time_utc"),
    N_("actor"),
    N_("action"),
    N_("target"),
    N_("before"),
    N_("after"),
    N_("what_happened"),
    N_("before_in_words"),
    N_("after_in_words"),
)
CSV_HEADER = [str(name) for name in HEADER]
COMMAND_LINE = N_("the command line")  # who acted when no person did
NO_SETTING_CHANGED = N_("no setting changed")


def csv_header(language: str = SOURCE_LANGUAGE) -> list[str]:
    """The CSV file's header row in `language`."""
    return spoken_all(HEADER, language)


@dataclass(frozen=True)
class AuditFilter:
    actor_email: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None  # inclusive


@dataclass(frozen=True)
class Detail:
    """One line of a before or after: a setting's name and value, or words alone."""

    name: str  # "" when the value says it all
    value: str | Message

    def __str__(self) -> str:
        return self.spoken(SOURCE_LANGUAGE)

    def spoken(self, language: str) -> str:
        """The line in `language` (a setting's name and value are as the settings say)."""
        value = spoken(self.value, language)
        return f"{self.name}: {value}" if self.name else value


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    actor: str | Message  # COMMAND_LINE when no person acted
    before: list[Detail]
    after: list[Detail]

    @property
    def what(self) -> Message:
        """The action as a person says it ("Exempted from a course")."""
        return action_words(self.event.action)


def readable(event: AuditEvent) -> tuple[list[Detail], list[Detail]]:
    """An event's before and after for people: the settings that changed, by the names on
    the settings page, rather than whole YAML files; other events are already in words."""
    if event.action == "precheck.settings_changed":
        changes = setting_changes(event.before or "", event.after or "")
        if changes is not None:
            if not changes:
                return [Detail("", NO_SETTING_CHANGED)], [Detail("", NO_SETTING_CHANGED)]
            return (
                [Detail(change.name, change.before) for change in changes],
                [Detail(change.name, change.after) for change in changes],
            )
    return _words(event.before), _words(event.after)


# Before and after values that are states, recorded as codes: said in the reader's words.
_STATES = {
    "draft": N_("draft"),
    "published": N_("published"),
    "HR admin": N_("HR admin"),
    "employee": N_("employee"),
}


def _words(text: str | None) -> list[Detail]:
    return [Detail("", _STATES.get(text, text))] if text else []


def _in_one_line(details: list[Detail], language: str) -> str:
    return "; ".join(detail.spoken(language) for detail in details)


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
        [AuditRow(event, email or COMMAND_LINE, *readable(event)) for event, email in rows],
        total,
        page,
        pages,
    )


def audit_rows(
    session: Session, filters: AuditFilter, language: str = SOURCE_LANGUAGE
) -> Iterator[list[object]]:
    """Every matching event as a CSV row, oldest first, read in batches (constant memory);
    the words of the last three columns in `language`."""
    command_line = spoken(N_("command line"), language)
    rows = session.execute(
        _query(filters).order_by(AuditEvent.at, AuditEvent.id).execution_options(yield_per=1000)
    )
    with rows:  # a download stopped half way (the browser went away) closes its cursor
        for event, email in rows:
            before, after = readable(event)
            yield [
                event.at.strftime("%Y-%m-%d %H:%M:%S"),
                email or command_line,
                event.action,
                event.target,
                event.before or "",
                event.after or "",
                spoken(action_words(event.action), language),
                _in_one_line(before, language),
                _in_one_line(after, language),
            ]
