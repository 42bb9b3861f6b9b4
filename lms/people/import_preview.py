"""What an import plan will do, in words HR can check before anything is written. Pure.

Also the two safeguards every import passes, on the web and the command line alike: it
never deactivates the person importing, nor the last active HR admin; and a short digest of
the plan, so a confirmation applies exactly the plan that was shown.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import astuple, dataclass
from dataclasses import fields as dataclass_fields

from lms.messages import N_, Message
from lms.people.hris import HrisFile, PersonRecord, Problem
from lms.people.import_plan import ImportPlan, StoredPerson

NAMES_SHOWN = 10  # per kind of change
# Deactivating more than this share of the active people, or more than this many people,
# needs the number of deactivations typed (web) or given (--confirm-deactivations, CLI).
CONFIRM_SHARE = 0.10
CONFIRM_PEOPLE = 100
ADMINS_NAMED = 5


@dataclass(frozen=True)
class Change:
    """One person on the preview: who, and what changes for them."""

    name: str
    detail: Message | str = ""
    fields: tuple[Message, ...] = ()  # what changed, for a page to list in its language


@dataclass(frozen=True)
class ChangeList:
    """How many people one kind of change touches, and the first of them by name."""

    count: int
    first: tuple[Change, ...]

    @property
    def more(self) -> int:
        return self.count - len(self.first)


@dataclass(frozen=True)
class PlanPreview:
    """An import's effect by kind of change, each person in exactly one list."""

    added: ChangeList
    changed: ChangeList
    moved: ChangeList
    deactivated: ChangeList
    reactivated: ChangeList
    unchanged: int
    active_before: int
    digest: str

    @property
    def needs_typed_count(self) -> bool:
        """Too many people leave at once for a single click to confirm it."""
        count = self.deactivated.count
        return count > CONFIRM_PEOPLE or count > CONFIRM_SHARE * self.active_before

    @property
    def deactivated_share(self) -> int:
        """The deactivations as a whole percentage of the active people."""
        if not (self.active_before and self.deactivated.count):
            return 0
        return max(1, round(self.deactivated.count * 100 / self.active_before))

    @property
    def changes_anything(self) -> bool:
        lists = (self.added, self.changed, self.moved, self.deactivated, self.reactivated)
        return any(kind.count for kind in lists)


def preview_plan(
    plan: ImportPlan,
    existing: dict[str, StoredPerson],
    records: list[PersonRecord],
    *,
    deactivate_missing: bool,
    digest: bool = True,
) -> PlanPreview:
    """Sort every change of the plan into one list and name the first people of each
    (without `digest`, the preview's digest is left empty)."""
    in_file = {record.hris_id: record for record in records}
    kinds: dict[str, list[Change]] = {k: [] for k in ("changed", "moved", "off", "on")}
    counts = dict.fromkeys(kinds, 0)

    def note(kind: str, change: Change | None = None) -> None:
        counts[kind] += 1
        if change is not None and len(kinds[kind]) < NAMES_SHOWN:
            kinds[kind].append(change)

    def manager_name(hris_id: str | None) -> Message | str:
        if hris_id is None:
            return N_("no manager")
        person = in_file.get(hris_id) or existing[hris_id].record
        return _name(person)

    for current, record in plan.updates:
        before = current.record
        if before.is_active and not record.is_active:
            note("off", Change(_name(record), N_("inactive in the file")))
        elif record.is_active and not before.is_active:
            note("on", Change(_name(record)))
        elif before.manager_hris_id != record.manager_hris_id:
            detail = N_(
                "from %(before)s to %(after)s",
                before=manager_name(before.manager_hris_id),
                after=manager_name(record.manager_hris_id),
            )
            note("moved", Change(_name(record), detail))
        else:
            fields = tuple(_changed_fields(before, record))
            note("changed", Change(_name(record), ", ".join(map(str, fields)), fields))
    missing = set(plan.deactivations)
    counts["off"] += len(missing)
    for person in existing.values():
        if len(kinds["off"]) >= NAMES_SHOWN:
            break
        if person.id in missing:
            kinds["off"].append(Change(_name(person.record), N_("not in the file")))
    return PlanPreview(
        added=ChangeList(
            len(plan.creates), tuple(Change(_name(r)) for r in plan.creates[:NAMES_SHOWN])
        ),
        changed=ChangeList(counts["changed"], tuple(kinds["changed"])),
        moved=ChangeList(counts["moved"], tuple(kinds["moved"])),
        deactivated=ChangeList(counts["off"], tuple(kinds["off"])),
        reactivated=ChangeList(counts["on"], tuple(kinds["on"])),
        unchanged=plan.unchanged,
        active_before=sum(1 for person in existing.values() if person.is_active),
        digest=plan_digest(plan, deactivate_missing=deactivate_missing) if digest else "",
    )


def plan_digest(plan: ImportPlan, *, deactivate_missing: bool) -> str:
    """A short hash of every change and of what each changed person holds now: any change to
    the file or to the people in Postwise since a preview gives another digest."""
    digest = hashlib.sha256(json.dumps(["v1", deactivate_missing]).encode())
    for record in plan.creates:
        digest.update(_encoded(["create", *_facts(record)]))
    for current, record in plan.updates:
        digest.update(_encoded(["update", current.id, *_facts(current.record), *_facts(record)]))
    digest.update(_encoded(["deactivate", *plan.deactivations]))
    return digest.hexdigest()[:32]


def protection_problems(
    plan: ImportPlan,
    existing: dict[str, StoredPerson],
    hris_file: HrisFile,
    *,
    actor_id: int | None,
) -> list[Problem]:
    """Why the plan must not run: it deactivates the person importing, or every HR admin."""
    leaving = set(plan.deactivations)
    rows: dict[int, PersonRecord] = {}
    for current, record in plan.updates:
        if current.is_active and not record.is_active:
            leaving.add(current.id)
            rows[current.id] = record
    if not leaving:
        return []
    status = hris_file.label("status")
    problems = []
    admins = [person for person in existing.values() if person.is_active and person.is_hr_admin]
    for person in existing.values():
        if person.id != actor_id or person.id not in leaving:
            continue
        if (row := rows.get(person.id)) is not None:
            problems.append(
                Problem(
                    N_(
                        "this row deactivates you (%(name)s), the person importing; set the "
                        "status to active, or ask another HR admin to import the file",
                        name=_name(row),
                    ),
                    row=row.row,
                    column=status,
                )
            )
        else:
            problems.append(
                Problem(
                    N_(
                        "you (%(name)s) are not in this file, so the import would deactivate "
                        "you, the person importing; add your own row, or import without "
                        "deactivating the people missing from the file",
                        name=_name(person.record),
                    )
                )
            )
    if admins and all(person.id in leaving for person in admins):
        names = ", ".join(_name(person.record) for person in admins[:ADMINS_NAMED])
        more = len(admins) - ADMINS_NAMED
        problems.append(
            Problem(
                N_(
                    "the import would deactivate every active HR admin (%(names)s and "
                    "%(more)d more), and nobody could manage Postwise afterwards; keep at least "
                    "one of them active, or make someone who stays an HR admin first (lms "
                    "people grant-hr EMAIL)",
                    names=names,
                    more=more,
                )
                if more > 0
                else N_(
                    "the import would deactivate every active HR admin (%(names)s), and "
                    "nobody could manage Postwise afterwards; keep at least one of them active, "
                    "or make someone who stays an HR admin first (lms people grant-hr EMAIL)",
                    names=names,
                )
            )
        )
    return problems


def _name(record: PersonRecord) -> str:
    return f"{record.first_name} {record.last_name} ({record.hris_id})"


FIELD_NAMES = {
    "email": N_("email"),
    "first_name": N_("first name"),
    "last_name": N_("last name"),
    "department": N_("department"),
    "title": N_("title"),
    "location": N_("location"),
    "hire_date": N_("hire date"),
    "language": N_("language"),
}


def _changed_fields(before: PersonRecord, after: PersonRecord) -> Iterable[Message]:
    return (
        label
        for attribute, label in FIELD_NAMES.items()
        if getattr(before, attribute) != getattr(after, attribute)
    )


_ROW = [f.name for f in dataclass_fields(PersonRecord)].index("row")


def _facts(record: PersonRecord) -> tuple[object, ...]:
    """What a record says, without the row it was read from."""
    values = astuple(record)
    return values[:_ROW] + values[_ROW + 1 :]


def _encoded(values: list[object]) -> bytes:
    return json.dumps(values, default=str).encode() + b"\n"


KINDS = (
    ("added", N_("Added")),
    ("changed", N_("Changed")),
    ("moved", N_("Moved to another manager")),
    ("deactivated", N_("Deactivated")),
    ("reactivated", N_("Reactivated")),
)


def describe_preview(preview: PlanPreview) -> list[str]:
    """The preview as lines of text, one per kind of change, for the command line."""
    lines = []
    for attribute, label in KINDS:
        kind: ChangeList = getattr(preview, attribute)
        names = ", ".join(
            f"{change.name}: {change.detail}" if change.detail else change.name
            for change in kind.first
        )
        more = f", and {kind.more} more" if kind.more else ""
        lines.append(f"{label}: {kind.count}" + (f" ({names}{more})" if names else ""))
    lines.append(f"Unchanged: {preview.unchanged}")
    return lines


def share_warning(preview: PlanPreview) -> Message:
    """Why this plan needs its number of deactivations confirmed."""
    return N_(
        "This import deactivates %(count)d of the %(active)d active people (%(share)d%%).",
        count=preview.deactivated.count,
        active=preview.active_before,
        share=preview.deactivated_share,
    )
