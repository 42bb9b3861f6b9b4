"""Adding and changing one person through the API: each write is a one-person HRIS import
(as SCIM's are), so the very same checks (addresses, managers, reporting cycles, never
deactivating the last HR admin) and audit apply. Problems come back by JSON field name.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from lms.db import serialize
from lms.people.hris import HrisFileError, Problem, one_person_csv
from lms.people.importer import import_people
from lms.people.models import Employee

MAX_RECORD_BYTES = 64 * 1024  # one person; the HRIS reader's limit for this "file"
# The HRIS file's columns by the API's names for them (the rest are the same).
FIELD_OF_COLUMN = {"manager_id": "manager_email", "status": "active"}
_COLUMN_IN_LABEL = re.compile(r"\((\w+)\)$")  # "C (email)" → email
_STORED_COLUMNS = ("email", "first_name", "last_name", "department", "title", "location")


class PersonInputError(Exception):
    """The person cannot be saved as asked; `errors` maps each field to what is wrong."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


def create_person(session: Session, fields: dict[str, Any], *, client_name: str) -> int:
    """Add a person the HRIS has not sent yet; their id. The import's lock comes first, so
    two creations of one person at once take turns and the second hears they exist."""
    serialize(session, "people import")
    hris_id = fields["employee_id"].strip()
    existing = session.scalar(select(Employee.id).where(Employee.hris_id == hris_id))
    if existing is not None:
        message = f"{hris_id!r} is already someone's employee id; change them with PATCH"
        raise PersonInputError({"employee_id": [f"{message} /api/v1/people/{existing}."]})
    row = {"employee_id": hris_id} | _row(session, fields)
    _import(session, row, client_name)
    return session.scalar(select(Employee.id).where(Employee.hris_id == hris_id)) or 0


def change_person(
    session: Session, person_id: int, changes: dict[str, Any], *, client_name: str
) -> None:
    """Change the given fields of a person, keeping the rest as stored."""
    serialize(session, "people import")
    manager = aliased(Employee)
    stored = session.execute(
        select(Employee, manager.email)
        .outerjoin(manager, manager.id == Employee.manager_id)
        .where(Employee.id == person_id)
    ).one()
    person, manager_email = stored
    current: dict[str, Any] = {name: getattr(person, name) for name in _STORED_COLUMNS}
    current |= {
        "manager_email": manager_email,
        "hire_date": person.hire_date,
        "active": person.is_active,
        "language": person.directory_language,
    }
    row = {"employee_id": person.hris_id} | _row(session, current | changes)
    _import(session, row, client_name)


def _row(session: Session, fields: dict[str, Any]) -> dict[str, str | None]:
    """The HRIS file's row for these fields (the manager named by their address)."""
    hire_date: date | None = fields.get("hire_date")
    return {
        **{name: fields.get(name) for name in _STORED_COLUMNS},
        "manager_id": _manager_hris_id(session, fields.get("manager_email")),
        "hire_date": hire_date.isoformat() if hire_date else None,
        "status": "inactive" if fields.get("active") is False else "active",
        "language": fields.get("language"),
    }


def _manager_hris_id(session: Session, address: str | None) -> str | None:
    if not (address or "").strip():
        return None
    hris_id = session.scalar(
        select(Employee.hris_id).where(Employee.email == address.strip().lower())
    )
    if hris_id is None:
        raise PersonInputError(
            {"manager_email": [f"Nobody in Postwise has the address {address}."]}
        )
    return hris_id


def _import(session: Session, row: dict[str, str | None], client_name: str) -> None:
    leaving = 1 if row["status"] == "inactive" else None  # one person, asked for by name
    try:
        import_people(
            session,
            one_person_csv(row),
            max_bytes=MAX_RECORD_BYTES,
            actor_id=None,
            confirmed_deactivations=leaving,
            source=f"API call (client {client_name!r})",
        )
    except HrisFileError as error:
        fallback = "active" if leaving else "person"  # a rule about the whole change
        errors: dict[str, list[str]] = {}
        for problem in error.problems:
            errors.setdefault(_field(problem) or fallback, []).append(str(problem.message))
        raise PersonInputError(errors) from None


def _field(problem: Problem) -> str | None:
    column = _COLUMN_IN_LABEL.search(problem.column or "")
    if column is None:
        return None
    return FIELD_OF_COLUMN.get(column.group(1), column.group(1))
