"""Who has acknowledged the current social media guideline, and who has not, for HR.

An acknowledgement counts if it is of a version still valid (see
lms.learning.guideline.still_valid): publishing a version that asks everyone again makes
every earlier acknowledgement stop counting at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, case, func, literal, select
from sqlalchemy.orm import Session

from lms.courses.models import CourseVersion
from lms.languages import SOURCE_LANGUAGE
from lms.learning.guideline import published_guideline_versions, still_valid
from lms.learning.models import Attestation
from lms.messages import N_
from lms.paging import page_within
from lms.people.models import Employee
from lms.percentages import share
from lms.reports.words import spoken_all, spoken_map

PAGE_SIZE = 50
ACKNOWLEDGED, PENDING = "acknowledged", "not acknowledged"
# Headed in the downloading person's language; in English the names scripts have read.
HEADER = (
    N_("employee_id"),
    N_("name"),
    N_("email"),
    N_("department"),
    N_("status"),
    N_("version"),
    N_("acknowledged_at"),
)
CSV_HEADER = [str(name) for name in HEADER]
STATUS_WORDS = {ACKNOWLEDGED: N_("acknowledged"), PENDING: N_("not acknowledged")}


def csv_header(language: str = SOURCE_LANGUAGE) -> list[str]:
    """The CSV file's header row in `language`."""
    return spoken_all(HEADER, language)


@dataclass(frozen=True)
class GuidelineFilter:
    status: str = ""  # ACKNOWLEDGED, PENDING or "" for both
    department: str = ""
    include_inactive: bool = False


@dataclass(frozen=True)
class DepartmentLine:
    department: str | None
    acknowledged: int
    pending: int

    @property
    def total(self) -> int:
        return self.acknowledged + self.pending

    @property
    def percent(self) -> int:
        """Who has acknowledged, to the nearest whole number (only everyone reads 100%)."""
        return share(self.acknowledged, self.total)

    def matching(self, status: str) -> int:
        """How many people the status filter keeps ("" keeps everyone)."""
        return {ACKNOWLEDGED: self.acknowledged, PENDING: self.pending}.get(status, self.total)


@dataclass(frozen=True)
class PersonLine:
    person_id: int
    employee_id: str
    name: str
    email: str
    department: str | None
    version: int | None  # the newest valid version they acknowledged
    acknowledged_at: datetime | None


@dataclass(frozen=True)
class GuidelineReport:
    current: CourseVersion | None  # None: no guideline is published
    departments: list[DepartmentLine]
    rows: list[PersonLine]
    total: int  # rows matching the filter, over every page
    page: int
    pages: int

    @property
    def acknowledged(self) -> int:
        return sum(line.acknowledged for line in self.departments)

    @property
    def pending(self) -> int:
        return sum(line.pending for line in self.departments)

    @property
    def percent(self) -> int:
        """Who has acknowledged, to the nearest whole number (only everyone reads 100%)."""
        return share(self.acknowledged, self.acknowledged + self.pending)


def _people(valid_ids: list[int], filters: GuidelineFilter, *, by_status: bool = True) -> Select:
    """Everyone in the report, with their newest valid acknowledgement (if any)."""
    valid = (
        select(
            Attestation.employee_id,
            func.max(CourseVersion.number).label("version"),
            func.max(Attestation.acknowledged_at).label("acknowledged_at"),
        )
        .join(CourseVersion, CourseVersion.id == Attestation.version_id)
        .where(Attestation.version_id.in_(valid_ids))
        .group_by(Attestation.employee_id)
        .subquery("valid_acknowledgement")
    )
    query = select(Employee, valid).outerjoin(valid, valid.c.employee_id == Employee.id)
    if not filters.include_inactive:
        query = query.where(Employee.is_active)
    if filters.department:
        query = query.where(Employee.department == filters.department)
    if by_status and filters.status:
        has = valid.c.employee_id.is_not(None)
        query = query.where(has if filters.status == ACKNOWLEDGED else ~has)
    return query


def guideline_report(session: Session, filters: GuidelineFilter, page: int = 1) -> GuidelineReport:
    """Counts by department (the status filter left out) and one page of people; three
    queries whatever the number of people."""
    versions = published_guideline_versions(session, with_content=False)
    if not versions:
        return GuidelineReport(None, [], [], 0, 1, 1)
    valid_ids = [version.id for version in still_valid(versions)]
    everyone = _people(valid_ids, filters, by_status=False).subquery()
    flag = case((everyone.c.employee_id.is_not(None), literal(1)), else_=literal(0))
    departments = [
        DepartmentLine(department, int(acknowledged or 0), int(total) - int(acknowledged or 0))
        for department, acknowledged, total in session.execute(
            select(everyone.c.department, func.sum(flag), func.count())
            .group_by(everyone.c.department)
            .order_by(everyone.c.department)
        )
    ]
    # The counts already hold the list's length: the status filter picks one of them.
    total = sum(line.matching(filters.status) for line in departments)
    query = _people(valid_ids, filters)
    page, pages = page_within(page, total, PAGE_SIZE)
    rows = session.execute(
        query.order_by(Employee.last_name, Employee.first_name, Employee.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    people = [
        PersonLine(e.id, e.hris_id, e.name, e.email, e.department, version, acknowledged_at)
        for e, _employee_id, version, acknowledged_at in rows
    ]
    return GuidelineReport(versions[-1], departments, people, total, page, pages)


def guideline_rows(
    session: Session, filters: GuidelineFilter, language: str = SOURCE_LANGUAGE
) -> Iterator[list[object]]:
    """Every person in the report as a CSV row, in name order, read in batches; the
    status in words of `language`."""
    words = spoken_map(STATUS_WORDS, language)
    versions = published_guideline_versions(session, with_content=False)
    valid_ids = [version.id for version in still_valid(versions)]
    rows = session.execute(
        _people(valid_ids, filters)
        .order_by(Employee.last_name, Employee.first_name, Employee.id)
        .execution_options(yield_per=1000)
    )
    with rows:  # a download stopped half way (the browser went away) closes its cursor
        for employee, _employee_id, version, acknowledged_at in rows:
            yield [
                employee.hris_id,
                employee.name,
                employee.email,
                employee.department or "",
                words[ACKNOWLEDGED if version is not None else PENDING],
                version or "",
                acknowledged_at.strftime("%Y-%m-%d %H:%M") if acknowledged_at else "",
            ]
