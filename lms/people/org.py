"""The org chart as queries: who is below whom, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from lms.people.models import Employee

_below = aliased(Employee, name="below")  # built once: an alias per call costs more than the walk


def reporting_line(manager_id: int, name: str = "reporting_line") -> Select[tuple[int]]:
    """Ids of everyone below a manager, direct and indirect (a recursive CTE).

    UNION (not UNION ALL) makes the walk stop even if bad data ever formed a cycle. Give
    each line its own `name` when several go into one statement.
    """
    line = select(Employee.id).where(Employee.manager_id == manager_id).cte(name, recursive=True)
    line = line.union(select(_below.id).where(_below.manager_id == line.c.id))
    return select(line.c.id)


def person_and_line(person_id: int) -> Select[tuple[int]]:
    """Ids of a person and everyone below them: whom a change to that person can move (their
    reports go where they go)."""
    line = reporting_line(person_id, name="changed_line").subquery()
    return select(Employee.id).where((Employee.id == person_id) | Employee.id.in_(select(line)))


def reporting_line_size(session: Session, manager_id: int) -> int:
    """How many active people are in a manager's reporting line."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Employee)
            .where(Employee.id.in_(reporting_line(manager_id)), Employee.is_active)
        )
        or 0
    )


@dataclass(frozen=True)
class Scope:
    """Whose records a report covers: the whole organisation, or one manager's line.

    lms.access decides which scope a signed-in person gets; the CLI names one explicitly.
    """

    manager_id: int | None = None  # None: everyone

    @property
    def is_everyone(self) -> bool:
        return self.manager_id is None

    def covers(self, employee_id: InstrumentedAttribute[int]) -> ColumnElement[bool]:
        """A condition that keeps only the people in this scope."""
        if self.manager_id is None:
            return true()
        return employee_id.in_(reporting_line(self.manager_id))


EVERYONE = Scope()
