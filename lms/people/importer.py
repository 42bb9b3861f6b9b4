"""Importing people from an HRIS file: check everything, then write in bulk, all or nothing.

Bulk rows go through SQLAlchemy Core executemany: the ORM unit of work costs several times
as much for 100,000 rows and gains nothing here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Table, bindparam, insert, null, select, update
from sqlalchemy.orm import Session

from lms import clock
from lms.audit import services as audit
from lms.db import serialize
from lms.events import PERSON_DEACTIVATED, record_event
from lms.people.announce import person_facts
from lms.people.hris import HrisFile, HrisFileError, PersonRecord, read_hris_csv
from lms.people.import_plan import ImportPlan, StoredPerson, plan_import
from lms.people.import_preview import PlanPreview, preview_plan, protection_problems
from lms.people.models import Employee
from lms.progress import NoProgress, Progress

log = logging.getLogger(__name__)
employees: Table = Employee.__table__  # type: ignore[assignment]
BATCH = 5000
FROM_FILE = "HRIS file"  # how an import's audit event starts when a file was imported
T = TypeVar("T")


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    deactivated: int
    unchanged: int

    def __str__(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, "
            f"deactivated {self.deactivated}, unchanged {self.unchanged}"
        )


class PlanChanged(Exception):
    """The file or the people in Postwise changed since the preview that was confirmed."""

    def __init__(self, preview: PlanPreview) -> None:
        super().__init__("the import plan changed since it was previewed")
        self.preview = preview


class ConfirmationNeeded(Exception):
    """The plan deactivates so many people that their number must be confirmed."""

    def __init__(self, preview: PlanPreview) -> None:
        super().__init__(
            f"the import deactivates {preview.deactivated.count} people; confirm that number"
        )
        self.preview = preview


def preview_import(
    session: Session,
    data: bytes,
    *,
    deactivate_missing: bool = False,
    max_bytes: int,
    progress: Progress | None = None,
    actor_id: int | None = None,
) -> PlanPreview:
    """What importing the file would do, checked as the import checks it; writes nothing.

    Raises HrisFileError for a file the import would refuse (the safeguards included).
    """
    hris_file, existing, plan = _checked_plan(
        session, data, deactivate_missing, max_bytes, progress or NoProgress(), actor_id
    )
    return preview_plan(plan, existing, hris_file.records, deactivate_missing=deactivate_missing)


def import_people(
    session: Session,
    data: bytes,
    *,
    deactivate_missing: bool = False,
    max_bytes: int,
    progress: Progress | None = None,
    actor_id: int | None = None,
    expected_plan: str | None = None,
    confirmed_deactivations: int | None = None,
    source: str = FROM_FILE,
) -> ImportSummary:
    """Check an HRIS file against the database and apply it; HrisFileError if anything is wrong.

    `expected_plan` is the digest of the preview HR confirmed: PlanChanged if the plan is not
    that one any more. Deactivating more than a share of the organisation needs the number
    of deactivations in `confirmed_deactivations`, else ConfirmationNeeded. `source` names
    where the records came from in the audit log (SCIM sends one record). Flushes only:
    the caller commits, so a failure part-way leaves nothing written.
    """
    progress = progress or NoProgress()
    hris_file, existing, plan = _checked_plan(
        session, data, deactivate_missing, max_bytes, progress, actor_id, serialized=True
    )
    preview = preview_plan(
        plan,
        existing,
        hris_file.records,
        deactivate_missing=deactivate_missing,
        digest=expected_plan is not None,  # hashing every row costs; only a check needs it
    )
    if expected_plan is not None and preview.digest != expected_plan:
        raise PlanChanged(preview)
    if preview.needs_typed_count and confirmed_deactivations != preview.deactivated.count:
        raise ConfirmationNeeded(preview)
    progress.stage(
        "Saving changes", len(plan.creates) + len(plan.updates) + len(plan.deactivations)
    )
    _apply(session, plan, existing, progress, with_language="language" in hris_file.columns)
    summary = ImportSummary(**plan.counts)
    mode = " with --deactivate-missing" if deactivate_missing else ""
    audit.record(
        session,
        "people.imported",
        f"{source} of {_people(len(hris_file.records))}{mode}",
        actor_id=actor_id,
        after=str(summary),
    )
    log.info("people imported: %s", summary)
    return summary


def _checked_plan(
    session: Session,
    data: bytes,
    deactivate_missing: bool,
    max_bytes: int,
    progress: Progress,
    actor_id: int | None,
    *,
    serialized: bool = False,
) -> tuple[HrisFile, dict[str, StoredPerson], ImportPlan]:
    """Read the file, plan it against the people stored, and apply the safeguards.

    `serialized`: take the import lock once the file is read, before the people are.
    """
    hris_file = read_hris_csv(data, max_bytes=max_bytes, progress=progress)
    if serialized:
        serialize(session, "people import")
    existing = _existing_people(session, hris_file)
    plan = plan_import(hris_file, existing, deactivate_missing=deactivate_missing)
    if problems := protection_problems(plan, existing, hris_file, actor_id=actor_id):
        raise HrisFileError(problems)
    return hris_file, existing, plan


def _existing_people(session: Session, hris_file: HrisFile) -> dict[str, StoredPerson]:
    """Everyone stored, in the file's terms, read in batches to keep memory flat.

    A file without a language column says nothing about languages: the stored ones read as
    the file's (none), so they neither count as a change nor get overwritten (see _apply).
    """
    records = hris_file.records
    language: ColumnElement[Any] = employees.c.directory_language
    if "language" not in hris_file.columns:
        language = null()
    manager = employees.alias("manager")
    rows = session.connection().execute(
        select(
            employees.c.id,
            employees.c.hris_id,
            employees.c.email,
            employees.c.first_name,
            employees.c.last_name,
            employees.c.department,
            employees.c.title,
            employees.c.location,
            manager.c.hris_id,
            employees.c.hire_date,
            employees.c.is_active,
            language,
            employees.c.is_hr_admin,
        )
        .select_from(employees.outerjoin(manager, employees.c.manager_id == manager.c.id))
        .execution_options(yield_per=BATCH)
    )
    # One copy of each value in memory: the file's own strings where the database holds the
    # same id and address, and one copy of each repeated name, department or day.
    in_file = {record.hris_id: record for record in records}
    share: dict[object, Any] = {}
    people = {}
    for person_id, hris_id, email, *rest, stored_language, is_hr_admin in rows:
        if (record := in_file.get(hris_id)) is not None:
            hris_id, email = record.hris_id, record.email if record.email == email else email
        values = (share.setdefault(value, value) for value in rest)
        people[hris_id] = StoredPerson(
            person_id,
            PersonRecord(hris_id, email, *values, row=0, language=stored_language),
            is_hr_admin,
        )
    return people


def _apply(
    session: Session,
    plan: ImportPlan,
    existing: dict[str, StoredPerson],
    progress: Progress,
    *,
    with_language: bool,
) -> None:
    """Write the plan; `with_language`: the file has a language column (else the stored
    directory languages stay as they are)."""
    now = clock.now()
    # The ids rows need as their manager_id: people already in Postwise are known; a new
    # manager's id is read back once the manager is written.
    managers = {record.manager_hris_id for record in plan.creates if record.manager_hris_id}
    managers.update(record.manager_hris_id for _, record in plan.updates if record.manager_hris_id)
    ids = {hris_id: existing[hris_id].id for hris_id in managers if hris_id in existing}
    _free_moved_emails(session, plan)
    # No RETURNING: it turns executemany into one huge statement per 1,000 rows, which
    # psycopg parses in Python, several times slower than plain executemany on PostgreSQL.
    insert_people = insert(employees).values(created_at=now, updated_at=now)
    for level in _manager_first_levels(plan.creates, existing):
        for batch in _batches(level):
            session.execute(insert_people, [_values(record, ids) for record in batch])
            written = [record.hris_id for record in batch if record.hris_id in managers]
            if written:
                ids.update(
                    session.execute(
                        select(employees.c.hris_id, employees.c.id).where(
                            employees.c.hris_id.in_(written)
                        )
                    ).all()
                )
            progress.advance(len(batch))
    update_people = (
        update(employees).where(employees.c.id == bindparam("row_id")).values(updated_at=now)
    )
    for batch in _batches(plan.updates):
        session.execute(
            update_people,
            [
                _values(record, ids, with_language=with_language) | {"row_id": current.id}
                for current, record in batch
            ],
        )
        progress.advance(len(batch))
    for batch in _batches(plan.deactivations):
        session.execute(
            update(employees)
            .where(employees.c.id.in_(batch))
            .values(is_active=False, updated_at=now)
        )
        progress.advance(len(batch))
    _announce_deactivations(session, plan, now)


def _announce_deactivations(session: Session, plan: ImportPlan, now: datetime) -> None:
    """One person.deactivated event per person this import made inactive (a missing row,
    or a status column, SCIM's active=false or HRIS's), in the import's transaction."""
    ids = list(plan.deactivations)
    ids += [
        current.id for current, record in plan.updates if current.is_active and not record.is_active
    ]
    for batch in _batches(ids):
        for person in session.scalars(select(Employee).where(Employee.id.in_(batch))):
            record_event(
                session, PERSON_DEACTIVATED, {"person": person_facts(person), "deactivated_at": now}
            )


def _free_moved_emails(session: Session, plan: ImportPlan) -> None:
    """Two people may swap addresses in one file; park moved addresses so neither collides."""
    moved = [
        {"row_id": current.id, "parked": f"#{record.hris_id}"}
        for current, record in plan.updates
        if current.record.email != record.email
    ]
    if moved:
        session.execute(
            update(employees)
            .where(employees.c.id == bindparam("row_id"))
            .values(email=bindparam("parked")),
            moved,
        )


def _values(
    record: PersonRecord, ids: dict[str, int], *, with_language: bool = True
) -> dict[str, Any]:
    values = {
        "hris_id": record.hris_id,
        "email": record.email,
        "first_name": record.first_name,
        "last_name": record.last_name,
        "department": record.department,
        "title": record.title,
        "location": record.location,
        "manager_id": ids[record.manager_hris_id] if record.manager_hris_id else None,
        "hire_date": record.hire_date,
        "is_active": record.is_active,
    }
    if with_language:
        values["directory_language"] = record.language
    return values


def _manager_first_levels(
    creates: list[PersonRecord], existing: dict[str, StoredPerson]
) -> Iterator[list[PersonRecord]]:
    """New people in waves, each wave's managers already written (so ids are known)."""
    waiting = creates
    placed: set[str] = set()
    while waiting:
        ready = [
            r
            for r in waiting
            if r.manager_hris_id is None
            or r.manager_hris_id in placed
            or r.manager_hris_id in existing
        ]
        if not ready:  # plan_import rejects cycles, so this is a bug, not bad input
            raise RuntimeError("new people whose managers never get written")
        placed.update(record.hris_id for record in ready)
        waiting = [r for r in waiting if r.hris_id not in placed]
        yield ready


def _batches(items: Iterable[T]) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count:,} people"
