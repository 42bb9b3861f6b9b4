"""The completion report: one row per person and course, within a scope, filtered.

A row is a person's latest cycle of a course that is not withdrawn. The team page shows a
page of rows and counts them per course and status; the downloads stream every row. All
three read the same statement (see `_report`), so the page and the files always agree.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from sqlalchemy import ColumnElement, Select, case, exists, func, literal, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import Subquery

from lms.courses.models import PUBLISHED, Course, CourseVersion
from lms.db import iso_day
from lms.languages import SOURCE_LANGUAGE
from lms.learning.models import Enrollment, QuizAttempt
from lms.learning.statuses import DONE, EXEMPTED, STATUSES, status_sql
from lms.messages import N_, Message
from lms.paging import page_within
from lms.people.models import Employee
from lms.people.org import Scope
from lms.percentages import share, shares
from lms.reports.exports import FileLayout
from lms.reports.words import STATUS_WORDS, spoken, spoken_all, spoken_map

PAGE_SIZE = 50
EXPORT_BATCH = 1_000  # rows per fetch: larger batches only cost memory, not time
COLUMNS = (
    "employee_id",
    "name",
    "email",
    "department",
    "manager",
    "course",
    "version",
    "status",
    "assigned_at",
    "due_at",
    "completed_at",
    "score",
    "attempts",
)
# The columns as the downloading person reads them, in COLUMNS' order; in English they
# are COLUMNS themselves, so scripts reading English files see the same header as ever.
HEADER: tuple[Message, ...] = (
    N_("employee_id"),
    N_("name"),
    N_("email"),
    N_("department"),
    N_("manager"),
    N_("course"),
    N_("version"),
    N_("status"),
    N_("assigned_at"),
    N_("due_at"),
    N_("completed_at"),
    N_("score"),
    N_("attempts"),
)
SHEET = N_("Completions")


def layout(language: str = SOURCE_LANGUAGE) -> FileLayout:
    """The download's columns, headed in `language`."""
    return FileLayout(
        header=tuple(spoken_all(HEADER, language)),
        # What people typed (in the HRIS file or a course pack): the cells a spreadsheet
        # could mistake for a formula. The rest are made by Postwise.
        text_columns=(0, 1, 2, 3, 4, 5),
        date_columns=(8, 9, 10),
        widths=(12, 24, 30, 16, 24, 26, 8, 18, 12, 12, 12, 7, 9),
        sheet=spoken(SHEET, language),
    )


LAYOUT = layout()

_enrollment = Enrollment.__table__
_manager = aliased(Employee, name="manager")
_later = aliased(Enrollment, name="later_cycle")
_full_name = Employee.first_name + " " + Employee.last_name


@dataclass(frozen=True)
class CompletionFilter:
    """What the team page and the downloads narrow the report to."""

    course: str = ""  # a course slug
    status: str = ""  # one of lms.learning.statuses.STATUSES
    department: str = ""
    direct_only: bool = False  # only the manager's direct reports (no effect for everyone)
    include_inactive: bool = False  # leavers are left out unless asked for


def _status_rank(status: str) -> tuple[int, str]:
    """Most pressing first (overdue): a tie for a rounding point never flatters completion."""
    return (STATUSES.index(status) if status in STATUSES else len(STATUSES), status)


@dataclass(frozen=True)
class StatusCounts:
    """How far a group of the report's rows (a course, a department) has got."""

    label: str
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def required(self) -> int:
        """People who must complete it: everyone but the exempted."""
        return self.total - self.by_status.get(EXEMPTED, 0)

    @property
    def done(self) -> int:
        return sum(self.by_status.get(status, 0) for status in DONE)

    @cached_property
    def _percents(self) -> dict[str, int]:
        statuses = sorted(self.by_status, key=_status_rank)
        return dict(zip(statuses, shares([self.by_status[s] for s in statuses]), strict=True))

    def percent(self, status: str) -> int:
        """Share of the group's rows with this status; a group's shares sum to 100."""
        return self._percents.get(status, 0)

    @property
    def percent_done(self) -> int:
        """Completed (here or elsewhere) of those required, to the nearest whole number,
        but 99.6% is not done: only everyone reads 100%."""
        return share(self.done, self.required)


@dataclass(frozen=True)
class ReportRow:
    """One person and course on the team page."""

    person_id: int
    employee_id: str
    name: str
    email: str
    department: str | None
    manager: str | None
    course: str
    version: int | None
    status: str
    assigned_at: datetime
    due_at: datetime | None
    completed_at: datetime | None
    score: int | None
    attempts: int
    enrollment_id: int


@dataclass(frozen=True)
class ReportPage:
    rows: list[ReportRow]
    total: int
    page: int
    pages: int


# Built once (see status_sql): judged at the clock's time whenever a statement runs.
_status = status_sql(_enrollment)
_urgency = case(
    *((_status == status, literal(rank)) for rank, status in enumerate(STATUSES)),
    else_=literal(len(STATUSES)),
)


# The row's first columns, the same on the page and in the files (see COLUMNS), except the
# course: the page links by its slug and shows the titles it already holds, while the files
# write the course's title (see export_statement).
_WHO: list[ColumnElement[object]] = [
    Employee.hris_id,
    _full_name,
    Employee.email,
    Employee.department,
    _manager.first_name + " " + _manager.last_name,
]
_WHO_AND_WHAT: list[ColumnElement[object]] = [*_WHO, Course.slug, CourseVersion.number, _status]

# What each column header sorts by; ties go by name (last, first), then course.
SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "department": ("department", "name"),
    "course": ("course", "name"),
    "status": ("status", "name"),
    "due": ("due", "name"),
    "completed": ("completed", "name"),
}


_sort_columns: dict[str, ColumnElement[object]] = {
    "name": Employee.last_name,
    "department": Employee.department,
    "course": Course.slug,
    "status": _urgency,
    "due": Enrollment.due_at,
    "completed": Enrollment.completed_at,
}


def _report(
    columns: list[ColumnElement[object]], scope: Scope, filters: CompletionFilter
) -> Select[tuple[object, ...]]:
    """The report's rows with the given columns: the one statement every view reads."""
    query = (
        select(*columns)
        .select_from(Enrollment)
        .join(Employee, Employee.id == Enrollment.employee_id)
        .join(Course, Course.id == Enrollment.course_id)
        .where(
            Enrollment.withdrawn_at.is_(None),
            ~exists().where(
                _later.employee_id == Enrollment.employee_id,
                _later.course_id == Enrollment.course_id,
                _later.cycle > Enrollment.cycle,
            ),
            scope.covers(Employee.id),
        )
    )
    if not filters.include_inactive:
        query = query.where(Employee.is_active)
    if filters.direct_only and scope.manager_id is not None:
        query = query.where(Employee.manager_id == scope.manager_id)
    if filters.department:
        query = query.where(Employee.department == filters.department)
    if filters.course:
        query = query.where(Course.slug == filters.course)
    if filters.status:
        query = query.where(_status == filters.status)
    return query


def _attempts() -> ColumnElement[int]:
    return (
        select(func.count(QuizAttempt.id))
        .where(QuizAttempt.enrollment_id == Enrollment.id)
        .correlate(Enrollment)
        .scalar_subquery()
    )


def _with_people(query: Select[tuple[object, ...]]) -> Select[tuple[object, ...]]:
    """Add the joins the row columns need: the manager and the version taken."""
    return query.outerjoin(_manager, _manager.id == Employee.manager_id).outerjoin(
        CourseVersion, CourseVersion.id == Enrollment.version_id
    )


def _directed(
    columns: list[ColumnElement[object]], descending: bool
) -> list[ColumnElement[object]]:
    """The sort key first in the chosen direction, the tie-breakers always ascending."""
    first, *rest = columns
    return [first.desc().nulls_last() if descending else first.asc().nulls_last(), *rest]


def report_page(
    session: Session,
    scope: Scope,
    filters: CompletionFilter,
    sort: str = "name",
    page: int = 1,
    *,
    total: int | None = None,
) -> ReportPage:
    """One page of the report, sorted (a leading '-' reverses); one query, or two when the
    caller does not know the total (see `summary`)."""
    if total is None:
        total = session.scalar(_report([func.count()], scope, filters)) or 0
    page, pages = page_within(page, total, PAGE_SIZE)
    # The sort runs over every row in scope with the few columns it needs; only the page's
    # own rows then look up their manager, version and attempts.
    descending = sort.startswith("-")
    keys = [_sort_columns[key] for key in SORTS.get(sort.lstrip("-"), SORTS["name"])]
    keys += [Employee.first_name, Employee.id, Course.slug]
    labelled = [key.label(f"key_{n}") for n, key in enumerate(keys)]
    chosen = (
        _report([Enrollment.id.label("enrollment_id"), *labelled], scope, filters)
        .order_by(*_directed(labelled, descending))
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
        .subquery("page_rows")
    )
    columns = [
        Employee.id,
        *_WHO_AND_WHAT,
        Enrollment.assigned_at,
        Enrollment.due_at,
        Enrollment.completed_at,
        Enrollment.score,
        _attempts(),
        Enrollment.id,
    ]
    page_keys = [chosen.c[column.name] for column in labelled]
    rows = session.execute(
        _with_people(
            select(*columns)
            .select_from(chosen)
            .join(Enrollment, Enrollment.id == chosen.c.enrollment_id)
            .join(Employee, Employee.id == Enrollment.employee_id)
            .join(Course, Course.id == Enrollment.course_id)
        ).order_by(*_directed(page_keys, descending))
    )
    return ReportPage([ReportRow(*row) for row in rows], total, page, pages)


GROUPS: dict[str, ColumnElement[str | None]] = {
    "course": Course.slug,
    "department": Employee.department,
}


def status_counts(
    session: Session, scope: Scope, filters: CompletionFilter, *groups: str
) -> dict[tuple[str | None, ...], dict[str, int]]:
    """How many rows have each status, per group (see GROUPS); one query."""
    columns = [GROUPS[name] for name in groups]
    rows = session.execute(
        _report([*columns, _status, func.count()], scope, filters).group_by(*columns, _status)
    )
    counts: dict[tuple[str | None, ...], dict[str, int]] = {}
    for *group, state, count in rows:
        counts.setdefault(tuple(group), {})[state] = count
    return counts


@dataclass(frozen=True)
class Summary:
    """Counts per course, department and status over a whole scope, from one query: the
    team page's per-course table, its department choices and its list's length are all
    sums of these cells, whatever the course, department and status filters."""

    cells: dict[tuple[str | None, ...], dict[str, int]]  # (course, department) → by status

    @property
    def departments(self) -> list[str]:
        """Every department with rows in the scope, for the filter."""
        return sorted({str(department) for _, department in self.cells if department})

    def _matching(self, filters: CompletionFilter) -> Iterator[tuple[str, dict[str, int]]]:
        for (course, department), by_status in sorted(self.cells.items(), key=str):
            if filters.course and course != filters.course:
                continue
            if filters.department and department != filters.department:
                continue
            yield str(course), by_status

    def courses(self, filters: CompletionFilter) -> list[StatusCounts]:
        """Per course under the filters, except status: each course shows its whole picture."""
        courses: dict[str, Counter[str]] = {}
        for course, by_status in self._matching(filters):
            courses.setdefault(course, Counter()).update(by_status)
        return [StatusCounts(course, dict(counts)) for course, counts in courses.items()]

    def total(self, filters: CompletionFilter) -> int:
        """How many rows the list holds under every filter."""
        return sum(
            by_status.get(filters.status, 0) if filters.status else sum(by_status.values())
            for _, by_status in self._matching(filters)
        )


def summary(
    session: Session, scope: Scope, *, direct_only: bool = False, include_inactive: bool = False
) -> Summary:
    """The counts behind the team page (see Summary); the filters a summary cannot apply
    afterwards are the ones that choose people."""
    people = CompletionFilter(direct_only=direct_only, include_inactive=include_inactive)
    return Summary(status_counts(session, scope, people, "course", "department"))


def export_statement(
    scope: Scope, filters: CompletionFilter, language: str = SOURCE_LANGUAGE
) -> Select[tuple[object, ...]]:
    """Every row of the report with the download's columns, as text and numbers only
    (dates as 'YYYY-MM-DD'), in name order, the status in words of `language`.

    Attempts are counted once for all enrollments and joined, rather than per row as on the
    page: for 500,000 rows PostgreSQL then hashes once instead of looking up each row.
    """
    attempts = (
        select(QuizAttempt.enrollment_id, func.count().label("count"))
        .group_by(QuizAttempt.enrollment_id)
        .subquery("attempt_counts")
    )
    titles = _course_titles()
    columns = [
        *_WHO,
        func.coalesce(titles.c.title, CourseVersion.title, Course.slug),
        CourseVersion.number,
        _status_in(language),
        iso_day(Enrollment.assigned_at),
        iso_day(Enrollment.due_at),
        iso_day(Enrollment.completed_at),
        Enrollment.score,
        func.coalesce(attempts.c.count, 0),
    ]
    return (
        _with_people(_report(columns, scope, filters))
        .outerjoin(titles, titles.c.course_id == Course.id)
        .outerjoin(attempts, attempts.c.enrollment_id == Enrollment.id)
        .order_by(Employee.last_name, Employee.first_name, Employee.id, Course.slug)
    )


def _status_in(language: str) -> ColumnElement[str]:
    """The status column in words of `language`, worded by the database (no cost per row)."""
    if language == SOURCE_LANGUAGE:
        return _status
    words = spoken_map(STATUS_WORDS, language)
    return case(*((_status == code, literal(word)) for code, word in words.items()), else_=_status)


def feed_statement(scope: Scope, filters: CompletionFilter) -> Select[tuple[object, ...]]:
    """The report's rows with the API's columns (lms.api.completion_feed pages them): the
    same rows and statuses as the page and the downloads."""
    columns = [
        Enrollment.id,
        Employee.hris_id,
        Employee.email,
        _full_name,
        Employee.department,
        _manager.email,
        Course.slug,
        CourseVersion.number,
        _status,
        Enrollment.assigned_at,
        Enrollment.due_at,
        Enrollment.started_at,
        Enrollment.completed_at,
        Enrollment.score,
        Enrollment.updated_at,
    ]
    return _with_people(_report(columns, scope, filters))


def _course_titles() -> Subquery:
    """Each course's title as people know it: its newest published version's (one row per
    course, joined once rather than looked up per row)."""
    newest = (
        select(CourseVersion.course_id, func.max(CourseVersion.number).label("number"))
        .where(CourseVersion.status == PUBLISHED)
        .group_by(CourseVersion.course_id)
        .subquery("newest_published")
    )
    return (
        select(CourseVersion.course_id, CourseVersion.title)
        .join(
            newest,
            (newest.c.course_id == CourseVersion.course_id)
            & (newest.c.number == CourseVersion.number),
        )
        .subquery("course_titles")
    )


def export_rows(
    session: Session, scope: Scope, filters: CompletionFilter, language: str = SOURCE_LANGUAGE
) -> Iterator[Sequence[Sequence[object]]]:
    """The report's rows in batches, read as the database sends them (constant memory),
    statuses in words of `language`.

    Read through Core rather than the ORM: plain rows, half the cost per row.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # A cursor is planned to return its first rows fast; an export reads all of them.
        connection.exec_driver_sql("SET LOCAL cursor_tuple_fraction = 1.0")
    result = connection.execute(
        export_statement(scope, filters, language), execution_options={"yield_per": EXPORT_BATCH}
    )
    with result:  # a download stopped half way (the browser went away) closes its cursor
        yield from result.partitions()


def file_name(scope_label: str, filters: CompletionFilter, day: date, extension: str) -> str:
    """A download's name: what it covers and when it was made, safe on every system,
    e.g. postwise-completions-team-of-ann-lee-overdue-2026-03-02.csv."""
    parts = (scope_label, filters.course, filters.status, filters.department)
    words = ["postwise-completions"] + [_ascii_slug(part) for part in parts if part]
    return "-".join([word for word in words if word] + [day.isoformat()]) + f".{extension}"


def _ascii_slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
