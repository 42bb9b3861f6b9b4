"""Directory groups: the groups an identity provider sends through SCIM, and who is in them.

They live with people, not with SCIM, so assignment rules can name them as an audience
without depending on the SCIM floor. A group is not a person's history: deleting one
deletes its memberships and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from lms.db import Base, created_at, intpk, updated_at


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
