"""Finding people: the searchable, filterable list and one person's place in the org chart."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from lms.paging import page_within
from lms.people.models import Employee

PAGE_SIZE = 50


@dataclass(frozen=True)
class PersonRow:
    employee: Employee
    manager_name: str | None
    direct_reports: int


@dataclass(frozen=True)
class PeoplePage:
    rows: list[PersonRow]
    total: int
    page: int
    pages: int


def list_people(
    session: Session,
    scope: Select[tuple[Employee]],
    *,
    search: str = "",
    department: str = "",
    page: int = 1,
) -> PeoplePage:
    """One page of people within a scope, filtered by name, email or id and department.

    Two queries whatever the size: the count and the page (with manager and report counts).
    """
    query = scope
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(Employee.first_name + " " + Employee.last_name).like(pattern),
                Employee.email.like(pattern),
                func.lower(Employee.hris_id).like(pattern),
            )
        )
    if department:
        query = query.where(Employee.department == department)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page, pages = page_within(page, total, PAGE_SIZE)
    manager = aliased(Employee)
    report = aliased(Employee)
    report_count = (
        select(func.count(report.id))
        .where(report.manager_id == Employee.id, report.is_active)
        .correlate(Employee)
        .scalar_subquery()
    )
    rows = session.execute(
        query.add_columns(manager.first_name + " " + manager.last_name, report_count)
        .outerjoin(manager, Employee.manager_id == manager.id)
        .order_by(Employee.last_name, Employee.first_name, Employee.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return PeoplePage([PersonRow(*row) for row in rows], total, page, pages)


def departments(session: Session, scope: Select[tuple[Employee]]) -> list[str]:
    """The departments present within a scope, for the filter."""
    visible = scope.subquery()
    return list(
        session.scalars(
            select(visible.c.department)
            .where(visible.c.department.is_not(None))
            .distinct()
            .order_by(visible.c.department)
        )
    )


def direct_reports(session: Session, employee: Employee) -> list[Employee]:
    """The people who report straight to someone, active first."""
    return list(
        session.scalars(
            select(Employee)
            .where(Employee.manager_id == employee.id)
            .order_by(Employee.is_active.desc(), Employee.last_name, Employee.first_name)
        )
    )


def manager_of(session: Session, employee: Employee) -> Employee | None:
    """The person someone reports to, if any."""
    return session.get(Employee, employee.manager_id) if employee.manager_id else None


def set_weekly_digest(session: Session, employee: Employee, *, wanted: bool) -> None:
    """Switch a manager's weekly digest of overdue people on or off (their choice alone)."""
    employee.weekly_digest = wanted
    session.flush()
