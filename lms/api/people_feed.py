"""The people the API hands out, within a client's scope, in id order, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from lms.people.models import Employee
from lms.people.org import Scope

_manager = aliased(Employee, name="manager")
MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL


@dataclass(frozen=True)
class PersonRow:
    """One person as the API shows them."""

    id: int
    employee_id: str
    email: str
    first_name: str
    last_name: str
    department: str | None
    title: str | None
    location: str | None
    manager_email: str | None
    hire_date: date | None
    active: bool
    updated_at: datetime
    language: str | None  # the HRIS's or SCIM's (a person's own choice is theirs alone)


def _people(scope: Scope) -> Select[tuple[object, ...]]:
    return (
        select(
            Employee.id,
            Employee.hris_id,
            Employee.email,
            Employee.first_name,
            Employee.last_name,
            Employee.department,
            Employee.title,
            Employee.location,
            _manager.email,
            Employee.hire_date,
            Employee.is_active,
            Employee.updated_at,
            Employee.directory_language,
        )
        .outerjoin(_manager, _manager.id == Employee.manager_id)
        .where(scope.covers(Employee.id))
    )


def people_page(
    session: Session,
    scope: Scope,
    after_id: int,
    limit: int,
    *,
    updated_since: datetime | None = None,
    department: str = "",
) -> tuple[list[PersonRow], bool]:
    """Up to `limit` people with ids above `after_id`, and whether more follow; one query.
    Leavers are included (with active false)."""
    query = _people(scope).where(Employee.id > after_id)
    if updated_since is not None:
        query = query.where(Employee.updated_at >= updated_since)
    if department:
        query = query.where(Employee.department == department)
    rows = [
        PersonRow(*row) for row in session.execute(query.order_by(Employee.id).limit(limit + 1))
    ]
    return rows[:limit], len(rows) > limit


def person(session: Session, scope: Scope, person_id: int) -> PersonRow | None:
    """One person, or None when there is nobody with that id in the scope."""
    if person_id > MAX_ID:  # any integer may come in the URL
        return None
    row = session.execute(_people(scope).where(Employee.id == person_id)).first()
    return PersonRow(*row) if row is not None else None
