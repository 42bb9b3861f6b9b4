"""Fitting an HRIS file onto the people Postwise already has: checks, then a plan of changes.

Pure: the service loads the existing people, this decides what changes, the service writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from lms.people.hris import HrisFile, HrisFileError, PersonRecord, Problem


@dataclass(frozen=True, slots=True)
class ExistingPerson:
    """An employee as stored, in the same terms as a PersonRecord."""

    id: int
    hris_id: str
    email: str
    first_name: str
    last_name: str
    department: str | None
    title: str | None
    location: str | None
    manager_hris_id: str | None
    hire_date: date | None
    is_active: bool

    def as_record(self) -> PersonRecord:
        return PersonRecord(
            hris_id=self.hris_id,
            email=self.email,
            first_name=self.first_name,
            last_name=self.last_name,
            department=self.department,
            title=self.title,
            location=self.location,
            manager_hris_id=self.manager_hris_id,
            hire_date=self.hire_date,
            is_active=self.is_active,
            row=0,
        )


@dataclass
class ImportPlan:
    """What an import will do; the counts are what the user is told."""

    creates: list[PersonRecord] = field(default_factory=list)
    updates: list[tuple[ExistingPerson, PersonRecord]] = field(default_factory=list)
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
    existing: dict[str, ExistingPerson],
    *,
    deactivate_missing: bool,
) -> ImportPlan:
    """Check the file against the database and work out every change; raise if any check fails."""
    records = hris_file.records
    in_file = {record.hris_id: record for record in records}
    problems = _email_conflicts(hris_file, in_file, existing)
    problems += _unknown_managers(hris_file, in_file, existing)
    if not problems:
        problems += _reporting_cycles(hris_file, in_file, existing)
    if problems:
        raise HrisFileError(sorted(problems, key=lambda p: p.row or 0))

    plan = ImportPlan()
    for record in records:
        current = existing.get(record.hris_id)
        if current is None:
            plan.creates.append(record)
        elif current.as_record() == record:
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
    existing: dict[str, ExistingPerson],
) -> list[Problem]:
    # An address is taken if someone else keeps it after the import (the file may move it).
    owner_after = {}
    for hris_id, person in existing.items():
        final = in_file.get(hris_id, person)
        if final.email == person.email:
            owner_after[person.email] = hris_id
    problems = []
    for record in hris_file.records:
        owner = owner_after.get(record.email)
        if owner is not None and owner != record.hris_id:
            problems.append(
                Problem(
                    f"{record.email!r} already belongs to employee {owner} in Postwise",
                    row=record.row,
                    column=hris_file.label("email"),
                )
            )
    return problems


def _unknown_managers(
    hris_file: HrisFile,
    in_file: dict[str, PersonRecord],
    existing: dict[str, ExistingPerson],
) -> list[Problem]:
    return [
        Problem(
            f"no employee has the id {record.manager_hris_id!r}, in this file or in Postwise",
            row=record.row,
            column=hris_file.label("manager_id"),
        )
        for record in hris_file.records
        if record.manager_hris_id is not None
        and record.manager_hris_id not in in_file
        and record.manager_hris_id not in existing
    ]


def _reporting_cycles(
    hris_file: HrisFile,
    in_file: dict[str, PersonRecord],
    existing: dict[str, ExistingPerson],
) -> list[Problem]:
    """Follow each chain of managers once; a chain that comes back on itself is a cycle."""
    manager_of = {hris_id: person.manager_hris_id for hris_id, person in existing.items()}
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
                        f"reporting cycle: {' → '.join(loop)}; someone in it must report "
                        "to a manager outside it",
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
