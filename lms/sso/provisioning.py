"""Creating a person at their first single sign-on (just in time), when the settings allow it.

Off by default: people come from the HRIS import or SCIM. When on, someone the identity
provider vouches for and Postwise does not know is added as a one-person HRIS import, so the
import's rules (valid, unique address; names; lengths) and audit apply as for any import.
Only addresses at the allowed domains are created, an existing person is never changed or
reactivated here, and the caller runs the import's follow-ups (assignment sync). No Flask.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.audit import services as audit
from lms.db import serialize
from lms.messages import N_, Message
from lms.people.accounts import find_by_email
from lms.people.hris import HrisFileError, one_person_csv
from lms.people.importer import import_people
from lms.people.models import Employee

log = logging.getLogger(__name__)
MAX_RECORD_BYTES = 64 * 1024  # one person's HRIS row


class CreationRefused(Exception):
    """No person can be created for this sign-in; `message` is for the person, `reason` for
    the security log."""

    def __init__(self, reason: str, message: Message) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class CreationSettings:
    """LMS_SSO_CREATE_PEOPLE and LMS_SSO_CREATE_DOMAINS, as lms.config checked them."""

    enabled: bool
    domains: frozenset[str]

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> CreationSettings:
        return cls(bool(config["SSO_CREATE_PEOPLE"]), frozenset(config["SSO_CREATE_DOMAINS"]))


@dataclass(frozen=True)
class NewPerson:
    """What the identity provider says about someone Postwise does not know yet."""

    email: str
    first_name: str
    last_name: str
    hris_id: str | None  # None: Postwise makes one up (sso-…), as SCIM does without externalId


@dataclass(frozen=True)
class SignInPerson:
    """The person a sign-in is for, and whether this sign-in created them."""

    employee: Employee
    created: bool = False


def split_name(name: str) -> tuple[str, str]:
    """A display name as (first, rest): "Ludwig van Beethoven" → ("Ludwig", "van Beethoven")."""
    first, _, rest = name.strip().partition(" ")
    return first, rest.strip()


def create_person(
    session: Session, settings: CreationSettings, person: NewPerson, *, via: str
) -> Employee:
    """Add the person the identity provider named (via "OIDC" or "SAML"); CreationRefused
    when the domain is not allowed, a detail is missing, or it would touch someone stored."""
    email = person.email.strip().lower()
    domain = email.rpartition("@")[2]
    if "@" not in email or domain not in settings.domains:
        raise CreationRefused(
            f"not created: the domain of {email or 'the (missing) address'} is not allowed",
            N_(
                "Postwise creates accounts at first sign-in only for your company's own email "
                "addresses, and %(address)s is not one of them. Ask your HR admin to add you "
                "to Postwise.",
                address=email,
            )
            if email
            else N_(
                "Postwise creates accounts at first sign-in only for your company's own email "
                "addresses, and your address is not one of them. Ask your HR admin to add you "
                "to Postwise."
            ),
        )
    first_name, last_name = person.first_name.strip(), person.last_name.strip()
    if not first_name or not last_name:
        raise CreationRefused(
            "not created: the identity provider sent no first and last name",
            N_(
                "Your company sign-in did not say your first and last name, which Postwise "
                "needs to create your account. Ask your HR admin to add you to Postwise."
            ),
        )
    serialize(session, "people import")  # as the import does: two first sign-ins wait in turn
    hris_id = (person.hris_id or "").strip() or f"sso-{uuid.uuid4().hex[:16]}"
    _refuse_if_stored(session, email, hris_id)
    row = {"employee_id": hris_id, "email": email, "first_name": first_name}
    row |= {"last_name": last_name, "status": "active"}
    try:
        with session.begin_nested():
            import_people(
                session,
                one_person_csv(row),
                max_bytes=MAX_RECORD_BYTES,
                source=f"First sign-in ({via})",
            )
    except HrisFileError as problem:
        raise CreationRefused(
            f"not created: {problem}",
            N_(
                "Postwise could not create your account from what your company sign-in sent "
                "(%(problems)s). Ask your HR admin to add you to Postwise.",
                problems="; ".join(str(p.message) for p in problem.problems),
            ),
        ) from None
    created = session.scalar(select(Employee).where(Employee.hris_id == hris_id))
    if created is None:  # the import wrote it; not finding it is a bug
        raise RuntimeError(f"person {hris_id} was not saved")
    audit.record(
        session,
        "person.created_at_sign_in",
        f"{created.name} <{created.email}> ({hris_id}) at first sign-in ({via})",
        actor_id=None,
    )
    log.info("person %s created at first sign-in (%s)", hris_id, via)
    return created


def _refuse_if_stored(session: Session, email: str, hris_id: str) -> None:
    """Someone stored under this address or employee id was not matched (another id or
    address, or inactive): creating would change them, which only HR may do."""
    by_email = find_by_email(session, email)
    by_id = session.scalar(select(Employee).where(Employee.hris_id == hris_id))
    if by_email is None and by_id is None:
        return
    what = "email address" if by_email is not None else "employee ID"
    raise CreationRefused(
        f"not created: a stored person already has this {what}",
        f"Postwise already has a person with your {what}, but the other details your "
        "company sign-in sent do not match them, so you were not signed in. Ask your HR "
        "admin to check your email address and employee ID in Postwise.",
    )
