"""Directory groups: the groups an identity provider sends through SCIM, and who is in them.

They live with people, not with SCIM, so assignment rules can name them as an audience
without depending on the SCIM floor. A group is not a person's history: deleting one
deletes its memberships and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ForeignKey, Select, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from lms.db import Base, created_at, intpk, updated_at
from lms.people.models import Employee


class DirectoryGroup(Base):
    __tablename__ = "directory_groups"

    id: Mapped[intpk]
    display_name: Mapped[str] = mapped_column(String(256), unique=True)
    # The provider's own id for the group (Entra ID's object id, Okta's group id), if sent.
    external_id: Mapped[str | None] = mapped_column(String(256), unique=True)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]


class GroupMember(Base):
    __tablename__ = "directory_group_members"

    group_id: Mapped[int] = mapped_column(ForeignKey("directory_groups.id"), primary_key=True)
    # Indexed for "which groups is this person in" as the assignment sync asks it.
    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employees.id"), primary_key=True, index=True
    )


def all_groups(session: Session) -> list[DirectoryGroup]:
    """Every directory group, by name, for choosing among them."""
    return list(session.scalars(select(DirectoryGroup).order_by(DirectoryGroup.display_name)))


def group_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """The names of the groups that still exist among `ids` (one query; none for no ids)."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.execute(
        select(DirectoryGroup.id, DirectoryGroup.display_name).where(DirectoryGroup.id.in_(wanted))
    )
    return {group_id: name for group_id, name in rows.all()}


MAX_NAMED = 2000  # people named in one statement (databases cap bound parameters)


def member_ids(session: Session, group_id: int) -> set[int]:
    """Who is in a group now (pending changes included)."""
    session.flush()
    return set(
        session.scalars(select(GroupMember.employee_id).where(GroupMember.group_id == group_id))
    )


def joined_or_left(before: set[int], after: set[int]) -> Select[tuple[int]] | None:
    """Whom a change of members can give or take courses: those who joined or left (None:
    too many to name, so everyone; one pass over all is then cheaper)."""
    changed = before ^ after
    if len(changed) > MAX_NAMED:
        return None
    return select(Employee.id).where(Employee.id.in_(sorted(changed)))
