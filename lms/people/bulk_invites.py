"""Choosing whom to invite at once: the people HR ticked, or everyone without a password."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Select
from sqlalchemy.orm import Session

from lms.people.models import Employee


@dataclass
class InviteChoice:
    """Who gets a link, and who was ticked but does not need or may not have one."""

    invite: list[Employee] = field(default_factory=list)
    has_password: list[Employee] = field(default_factory=list)
    inactive: list[Employee] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return len(self.has_password) + len(self.inactive)


def choose_invitees(
    session: Session, scope: Select[tuple[Employee]], ids: Sequence[int] | None
) -> InviteChoice:
    """Among the people in `scope`: those ticked (`ids`), or with None everyone active who has
    no password yet. Ids outside the scope are left out, as if they did not exist."""
    query = scope.order_by(Employee.last_name, Employee.first_name, Employee.id)
    if ids is None:
        query = query.where(Employee.is_active, Employee.password_hash.is_(None))
    else:
        query = query.where(Employee.id.in_(sorted(set(ids))))
    choice = InviteChoice()
    for person in session.scalars(query):
        if not person.is_active:
            choice.inactive.append(person)
        elif person.password_hash:
            choice.has_password.append(person)
        else:
            choice.invite.append(person)
    return choice
