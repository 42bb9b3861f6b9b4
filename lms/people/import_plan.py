"""Fitting an HRIS file onto the people Postwise already has: checks, then a plan of changes.

Pure: the service loads the existing people, this decides what changes, the service writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lms.messages import N_
from lms.people.hris import HrisFile, HrisFileError, PersonRecord, Problem


@dataclass(frozen=True, slots=True)
class StoredPerson:
    """An employee already in Postwise: the row id, and what is stored in HRIS terms."""

    id: int
    record: PersonRecord
    is_hr_admin: bool = False

    @property
    def is_active(self) -> bool:
        return self.record.is_active


@dataclass
class ImportPlan:
    """What an import will do; the counts are what the user is told."""

    creates: list[PersonRecord] = field(default_factory=list)
    updates: list[tuple[StoredPerson, PersonRecord]] = field(default_factory=list)
    deactivations: list[int] = field(default_factory=list)
    unchanged: int = 0
    # Among the updates, how many were a deactivation (counted as deactivated, not updated).
    deactivated_by_status: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.creates),
            "updated": len(self.updates) - self.deactivated_by_status,
            "deactivated": len(self.deactivations) + self.deactivated_by_status,
            "unchanged": self.unchanged,
        }


def plan_import(
    hris_file: HrisFile,
    existing: dict[str, StoredPerson],
    *,
    deactivate_missing: bool,
) -> ImportPlan:
    """Check the file against the database and work out every change.

    Raises HrisFileError with the file's own problems and these together, in row order.
    """
    records = hris_file.records
    in_file = {record.hris_id: record for record in records}
    problems = [
        *hris_file.problems,
        *_email_conflicts(hris_file, in_file, existing),
        *_unknown_managers(hris_file, existing),
        *_reporting_cycles(hris_file, in_file, existing),
    ]
    if problems:
        # Row order, as the user fixes a file; a note without a row ("too many") stays last.
        raise HrisFileError(sorted(problems, key=lambda p: (p.row is None, p.row or 0)))

    plan = ImportPlan()
    for record in records:
        current = existing.get(record.hris_id)
        if current is None:
            plan.creates.append(record)
        elif current.record == record:
            plan.unchanged += 1
        else:
            plan.updates.append((current, record))
            if current.is_active and not record.is_active:
                plan.deactivated_by_status += 1
    if deactivate_missing:
        plan.deactivations = [
            person.id
            for hris_id, person in existing.items()
            if person.is_active and hris_id not in in_file
        ]
    return plan


def _email_conflicts(
    hris_file: HrisFile,
    in_file: dict[str, PersonRecord],
    existing: dict[str, StoredPerson],
) -> list[Problem]:
    # An address is taken if someone else keeps it after the import (the file may move it).
    owner_after = {}
    for hris_id, person in existing.items():
        email = person.record.email
        if in_file.get(hris_id, person.record).email == email:
            owner_after[email] = hris_id
    problems = []
    for record in hris_file.records:
        owner = owner_after.get(record.email)
        if owner is not None and owner != record.hris_id:
            problems.append(
                Problem(
                    N_(
                        "%(value)s already belongs to employee %(owner)s in Postwise",
                        value=repr(record.email),
                        owner=owner,
                    ),
                    row=record.row,
                    column=hris_file.label("email"),
                )
            )
    return problems


def _unknown_managers(hris_file: HrisFile, existing: dict[str, StoredPerson]) -> list[Problem]:
    return [
        Problem(
            N_(
                "no employee has the id %(value)s, in this file or in Postwise",
                value=repr(record.manager_hris_id),
            ),
            row=record.row,
            column=hris_file.label("manager_id"),
        )
        for record in hris_file.records
        if record.manager_hris_id is not None
        and record.manager_hris_id not in hris_file.hris_ids
        and record.manager_hris_id not in existing
    ]


def _reporting_cycles(
    hris_file: HrisFile,
    in_file: dict[str, PersonRecord],
    existing: dict[str, StoredPerson],
) -> list[Problem]:
    """Follow each chain of managers once; a chain that comes back on itself is a cycle."""
    manager_of = {hris_id: person.record.manager_hris_id for hris_id, person in existing.items()}
    manager_of.update({hris_id: record.manager_hris_id for hris_id, record in in_file.items()})
    settled: set[str] = set()
    problems = []
    for record in hris_file.records:
        path: list[str] = []
        on_path: set[str] = set()
        current: str | None = record.hris_id
        while current is not None and current not in settled:
            if current in on_path:
                loop = [*path[path.index(current) :], current]
                first = in_file.get(loop[0], record)
                problems.append(
                    Problem(
                        N_(
                            "reporting cycle: %(cycle)s; someone in it must report to a "
                            "manager outside it",
                            cycle=" → ".join(loop),
                        ),
                        row=first.row,
                        column=hris_file.label("manager_id"),
                    )
                )
                break
            path.append(current)
            on_path.add(current)
            current = manager_of.get(current)
        settled.update(path)
    return problems
