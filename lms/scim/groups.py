"""SCIM Groups: directory groups an identity provider keeps, with People (SCIM Users) as members.

Members are Users by their SCIM id. A member id that names nobody refuses the whole call,
naming the id, and nothing changes. Deleting a group deletes its memberships only: rules
that named it then say so, and the people keep what they completed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from scim2_models import (
    Group,
    GroupMember,
    InvalidFilterException,
    Meta,
    NotFoundException,
    PatchOp,
    UniquenessException,
)
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from lms.audit import services as audit
from lms.db import column_length
from lms.people.groups import DirectoryGroup
from lms.people.groups import GroupMember as Membership
from lms.people.models import Employee
from lms.scim.schema import version_of
from lms.scim.services import MAX_COUNT, ScimRefused

log = logging.getLogger(__name__)
NAME_LENGTH = column_length(DirectoryGroup.display_name)
# The filters providers send to find a group before creating it: attribute eq "value"; Entra
# ID adds `and members eq "user id"` to ask whether someone is in it.
_FILTER = re.compile(
    r'^\s*(displayName|externalId|id)\s+eq\s+"((?:[^"\\]|\\.)*)"'
    r'(?:\s+and\s+members(?:\.value)?\s+eq\s+"((?:[^"\\]|\\.)*)")?\s*$',
    re.I,
)
_SHOWN = 10  # members named in an audit entry, the rest counted


@dataclass(frozen=True)
class GroupsPage:
    total: int
    groups: list[DirectoryGroup]


def get_group(session: Session, scim_id: str) -> DirectoryGroup:
    """The group a SCIM id names; NotFoundException otherwise."""
    group = session.get(DirectoryGroup, int(scim_id)) if scim_id.isdigit() else None
    if group is None:
        raise NotFoundException(detail=f"no group has the id {scim_id!r}")
    return group


def as_groups(
    session: Session, groups: list[DirectoryGroup], groups_url: str, users_url: str
) -> list[Group]:
    """The SCIM Groups for some groups, with their members (one query for all members)."""
    members: dict[int, list[GroupMember]] = {group.id: [] for group in groups}
    rows = session.execute(
        select(Membership.group_id, Membership.employee_id)
        .where(Membership.group_id.in_(members))
        .order_by(Membership.group_id, Membership.employee_id)
    )
    for group_id, employee_id in rows.all():
        members[group_id].append(
            GroupMember(value=str(employee_id), ref=f"{users_url}/{employee_id}")
        )
    return [_to_group(group, members[group.id], f"{groups_url}/{group.id}") for group in groups]


def _to_group(group: DirectoryGroup, members: list[GroupMember], location: str) -> Group:
    found = Group(
        id=str(group.id),
        external_id=group.external_id,
        display_name=group.display_name,
        members=members or None,
    )
    found.meta = Meta(
        resource_type="Group",
        created=group.created_at,
        last_modified=group.updated_at,
        location=location,
        version=version_of(found),
    )
    return found


def list_groups(session: Session, filter_text: str | None, start: int, count: int) -> GroupsPage:
    """A page of groups by id (startIndex is 1-based), optionally filtered by one `eq`."""
    query = select(DirectoryGroup)
    if filter_text:
        match = _FILTER.match(filter_text)
        if match is None:
            raise InvalidFilterException(
                detail=f"the filter {filter_text!r} is not supported: use "
                'displayName eq "…", externalId eq "…" or id eq "…", optionally followed by '
                'and members eq "…"'
            )
        attribute, value = match.group(1).lower(), match.group(2).replace('\\"', '"')
        if attribute == "displayname":  # caseExact false (RFC 7643 §4.2)
            query = query.where(func.lower(DirectoryGroup.display_name) == value.lower())
        elif attribute == "externalid":
            query = query.where(DirectoryGroup.external_id == value)
        else:
            query = query.where(DirectoryGroup.id == (int(value) if value.isdigit() else -1))
        if (member := match.group(3)) is not None:
            holding = select(Membership.group_id).where(
                Membership.employee_id == (int(member) if member.isdigit() else -1)
            )
            query = query.where(DirectoryGroup.id.in_(holding))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    count = max(0, min(count, MAX_COUNT))
    page = query.order_by(DirectoryGroup.id).offset(max(start, 1) - 1).limit(count)
    return GroupsPage(total, list(session.scalars(page)))


def create_group(session: Session, group: Group, *, token_name: str) -> DirectoryGroup:
    """Add the group a SCIM POST describes, with its members; 409 if its name or id is taken."""
    name, external_id = _checked(session, group, None)
    member_ids = _member_ids(session, group.members)
    saved = DirectoryGroup(display_name=name, external_id=external_id)
    session.add(saved)
    session.flush()
    _set_members(session, saved, set(), member_ids, None, token_name)
    return saved


def replace_group(
    session: Session, saved: DirectoryGroup, group: Group, *, token_name: str
) -> DirectoryGroup:
    """Make the group what a SCIM PUT (or a patched copy) says, members and all."""
    name, external_id = _checked(session, group, saved)
    member_ids = _member_ids(session, group.members)
    before = (saved.display_name, saved.external_id)
    saved.display_name, saved.external_id = name, external_id
    session.flush()
    _set_members(session, saved, _current_members(session, saved), member_ids, before, token_name)
    return saved


def patch_group(
    session: Session,
    saved: DirectoryGroup,
    current: Group,
    patch: PatchOp[Group],
    *,
    token_name: str,
) -> DirectoryGroup:
    """Apply a SCIM PATCH to the group as it reads now, then save the result."""
    patch.patch(current)
    return replace_group(session, saved, current, token_name=token_name)


def delete_group(session: Session, saved: DirectoryGroup, *, token_name: str) -> None:
    """Delete the group and its memberships (people and their courses stay); audited."""
    members = _current_members(session, saved)
    session.execute(delete(Membership).where(Membership.group_id == saved.id))
    session.delete(saved)
    session.flush()
    audit.record(
        session,
        "scim.group_deleted",
        f"directory group {saved.display_name!r} through SCIM token {token_name!r}",
        actor_id=None,
        before=_summary(saved.display_name, saved.external_id, len(members)),
        after=None,
    )
    log.info("SCIM group %s deleted through token %r", saved.id, token_name)


def _checked(
    session: Session, group: Group, saved: DirectoryGroup | None
) -> tuple[str, str | None]:
    """The name and external id, checked: present, short enough, and nobody else's."""
    name = (group.display_name or "").strip()
    external_id = (group.external_id or "").strip() or None
    if not name:
        raise ScimRefused(detail="displayName is required: it is the name HR sees")
    for attribute, value in (("displayName", name), ("externalId", external_id)):
        if value is not None and len(value) > NAME_LENGTH:
            raise ScimRefused(detail=f"{attribute} is longer than {NAME_LENGTH} characters")
    others = select(DirectoryGroup.id).where(DirectoryGroup.id != (saved.id if saved else -1))
    if session.scalar(others.where(func.lower(DirectoryGroup.display_name) == name.lower())):
        raise UniquenessException(detail=f"a group with displayName {name!r} exists already")
    if external_id and session.scalar(others.where(DirectoryGroup.external_id == external_id)):
        raise UniquenessException(detail=f"a group with externalId {external_id!r} exists already")
    return name, external_id


def _member_ids(session: Session, members: list[GroupMember] | None) -> set[int]:
    """The employees the members name; a 400 naming every id that names no user."""
    values = [str(member.value or "").strip() for member in members or []]
    nested = [m.value for m in members or [] if (m.type or "").lower() == "group"]
    if nested:
        verb = "is a group" if len(nested) == 1 else "are groups"
        raise ScimRefused(
            detail=f"members: {_listed(nested)} {verb}; Postwise groups hold users only "
            "(give each group a rule of its own)"
        )
    ids = {int(value) for value in values if value.isdigit()}
    known = set(session.scalars(select(Employee.id).where(Employee.id.in_(ids)))) if ids else set()
    unknown = [
        value for value in dict.fromkeys(values) if not value.isdigit() or int(value) not in known
    ]
    if unknown:
        raise ScimRefused(
            detail=f"members: no user has the id {_listed(unknown)}; "
            "provision the user first, then add them to the group"
        )
    return known


def _listed(values: Iterable[str | None]) -> str:
    return ", ".join(repr(value) for value in values)


def _current_members(session: Session, saved: DirectoryGroup) -> set[int]:
    return set(
        session.scalars(select(Membership.employee_id).where(Membership.group_id == saved.id))
    )


def _set_members(
    session: Session,
    saved: DirectoryGroup,
    current: set[int],
    wanted: set[int],
    before: tuple[str, str | None] | None,
    token_name: str,
) -> None:
    """Write the membership changes and audit them with the name changes, if anything changed."""
    added, removed = sorted(wanted - current), sorted(current - wanted)
    if removed:
        session.execute(
            delete(Membership).where(
                Membership.group_id == saved.id, Membership.employee_id.in_(removed)
            )
        )
    if added:
        session.execute(
            insert(Membership), [{"group_id": saved.id, "employee_id": i} for i in added]
        )
    now = (saved.display_name, saved.external_id)
    if before == now and not added and not removed:
        return
    changes = [_summary(*now, len(wanted))]
    for verb, ids in (("added", added), ("removed", removed)):
        if ids:
            changes.append(f"{verb} {_people(session, ids)}")
    audit.record(
        session,
        "scim.group_changed",
        f"directory group {saved.display_name!r} through SCIM token {token_name!r}",
        actor_id=None,
        before=_summary(*before, len(current)) if before else None,
        after="; ".join(changes),
    )
    log.info(
        "SCIM group %s saved through token %r: %d added, %d removed",
        saved.id,
        token_name,
        len(added),
        len(removed),
    )


def _people(session: Session, ids: list[int]) -> str:
    """Some people by name and employee id, the first few of them, for the audit log."""
    rows = session.execute(
        select(Employee.first_name, Employee.last_name, Employee.hris_id)
        .where(Employee.id.in_(ids[:_SHOWN]))
        .order_by(Employee.id)
    ).all()
    named = ", ".join(f"{first} {last} ({hris_id})" for first, last, hris_id in rows)
    more = len(ids) - len(rows)
    return f"{named} and {more} more" if more > 0 else named


def _summary(name: str, external_id: str | None, members: int) -> str:
    noun = "member" if members == 1 else "members"
    return f"{name}, externalId {external_id or 'none'}, {members} {noun}"


def with_group_quirks(body: Any) -> Any:
    """Entra ID removes members with a value list, which RFC 7644 does not define for remove:
    read it as one `members[value eq "…"]` removal per member, as Okta sends them."""
    if not isinstance(body, dict) or not isinstance(body.get("Operations"), list):
        return body
    operations: list[Any] = []
    for operation in body["Operations"]:
        if (
            isinstance(operation, dict)
            and str(operation.get("op", "")).lower() == "remove"
            and str(operation.get("path", "")).lower() == "members"
            and isinstance(operation.get("value"), list)
        ):
            for member in operation["value"]:
                value = member.get("value") if isinstance(member, dict) else member
                escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
                operations.append({"op": "remove", "path": f'members[value eq "{escaped}"]'})
        else:
            operations.append(operation)
    return {**body, "Operations": operations}
