"""What the API's lists of learning records (acknowledgements, certificates) share: their
filters, and the person each record belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select

from lms.courses.models import Course
from lms.people.models import Employee

Query = Select[tuple[object, ...]]
# Whose record it is: the HRIS id, the address and the name.
PERSON = (Employee.hris_id, Employee.email, Employee.first_name + " " + Employee.last_name)


@dataclass(frozen=True)
class RecordFilter:
    """What a client narrows a list of records to (every field optional)."""

    updated_since: datetime | None = None
    course: str = ""
    email: str = ""


def narrowed(query: Query, filters: RecordFilter, at: ColumnElement[datetime]) -> Query:
    """The query kept to the filters; `at` is the time updated_since compares with."""
    if filters.updated_since is not None:
        query = query.where(at >= filters.updated_since)
    if filters.course:
        query = query.where(Course.slug == filters.course)
    if filters.email:
        query = query.where(Employee.email == filters.email.strip().lower())
    return query


def filters_of(query: dict[str, Any]) -> RecordFilter:
    """The filters from a list's query parameters, as the schema loaded them."""
    return RecordFilter(
        updated_since=query.get("updated_since"),
        course=query.get("course", ""),
        email=query.get("email", ""),
    )
