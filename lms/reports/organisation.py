"""Where the whole organisation stands, for HR: by department, by course, overdue, and the
completions of each week. Two queries whatever the organisation's size."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms import clock
from lms.courses.models import Course
from lms.db import iso_day
from lms.learning.models import Enrollment
from lms.learning.statuses import OVERDUE
from lms.people.models import Employee
from lms.people.org import EVERYONE
from lms.reports.completions import CompletionFilter, StatusCounts, status_counts

WEEKS = 26
NO_DEPARTMENT = "No department"


@dataclass(frozen=True)
class Week:
    starts: date  # a Monday
    completions: int


@dataclass(frozen=True)
class Overview:
    by_department: list[StatusCounts]
    by_course: list[StatusCounts]  # labelled by course slug
    overdue_by_department: list[tuple[str, int]]  # most overdue first, only those with any
    weeks: list[Week]  # oldest first, the current week last

    @property
    def total(self) -> StatusCounts:
        """Every row at once, for the headline figures."""
        summed: Counter[str] = Counter()
        for group in self.by_course:
            summed.update(group.by_status)
        return StatusCounts("Everyone", dict(summed))


def overview(session: Session, filters: CompletionFilter, weeks: int = WEEKS) -> Overview:
    """The organisation's picture under the filters (course, department, leavers)."""
    cells = status_counts(session, EVERYONE, replace(filters, status=""), "department", "course")
    departments: dict[str, Counter[str]] = {}
    courses: dict[str, Counter[str]] = {}
    for (department, course), by_status in cells.items():
        departments.setdefault(department or NO_DEPARTMENT, Counter()).update(by_status)
        courses.setdefault(str(course), Counter()).update(by_status)
    by_department = [StatusCounts(name, dict(c)) for name, c in sorted(departments.items())]
    overdue = sorted(
        (
            (group.label, group.by_status[OVERDUE])
            for group in by_department
            if group.by_status.get(OVERDUE)
        ),
        key=lambda item: (-item[1], item[0]),
    )
    return Overview(
        by_department=by_department,
        by_course=[StatusCounts(slug, dict(c)) for slug, c in sorted(courses.items())],
        overdue_by_department=overdue,
        weeks=weekly_completions(session, filters, weeks),
    )


def weekly_completions(session: Session, filters: CompletionFilter, weeks: int) -> list[Week]:
    """Completions (here or elsewhere, every cycle) in each of the last `weeks` weeks."""
    today = clock.now().date()
    this_monday = today - timedelta(days=today.weekday())
    first_monday = this_monday - timedelta(weeks=weeks - 1)
    day = iso_day(Enrollment.completed_at)
    query = (
        select(day, func.count())
        .select_from(Enrollment)
        .join(Employee, Employee.id == Enrollment.employee_id)
        .join(Course, Course.id == Enrollment.course_id)
        .where(Enrollment.completed_at >= datetime.combine(first_monday, time(), UTC))
        .group_by(day)
    )
    if not filters.include_inactive:
        query = query.where(Employee.is_active)
    if filters.course:
        query = query.where(Course.slug == filters.course)
    if filters.department:
        query = query.where(Employee.department == filters.department)
    per_week: Counter[date] = Counter()
    for completed_on, count in session.execute(query):
        completed = date.fromisoformat(completed_on)
        per_week[completed - timedelta(days=completed.weekday())] += count
    mondays = [first_monday + timedelta(weeks=n) for n in range(weeks)]
    return [Week(monday, per_week[monday]) for monday in mondays]
