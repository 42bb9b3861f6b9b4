"""One-time, expiring links that let a person set their password (first time or again)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import clock
from lms.audit import services as audit
from lms.people.accounts import describe, password_fingerprint
from lms.people.models import Employee

SALT = "postwise.invite"
BATCH_SALT = "postwise.invite-batch"


class InviteInvalid(Exception):
    """The link is damaged or was never issued."""


class InviteExpired(InviteInvalid):
    """The link is genuine but too old."""


class InviteUsed(InviteInvalid):
    """The link already set a password (or the password changed since it was issued)."""


class _ClockSigner(TimestampSigner):
    """Timestamps from lms.clock, so expiry can be tested without waiting."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def _serializer(secret_key: str, at: int | None = None) -> URLSafeTimedSerializer:
    """Tokens timed by lms.clock, or all at one moment `at` (a batch's links, made again)."""
    if at is None:
        return URLSafeTimedSerializer(secret_key, salt=SALT, signer=_ClockSigner)

    class _AtSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return at

    return URLSafeTimedSerializer(secret_key, salt=SALT, signer=_AtSigner)


def issue_invite(
    session: Session, secret_key: str, employee: Employee, *, actor_id: int | None = None
) -> str:
    """A signed token naming the person and the password it may replace, for a one-time
    link; that it was issued is recorded in the audit log (the token itself is not)."""
    audit.record(session, "password_link.issued", describe(employee), actor_id=actor_id)
    return _serializer(secret_key).dumps([employee.id, password_fingerprint(employee)])


def redeem_invite_token(
    session: Session, secret_key: str, token: str, max_age: timedelta
) -> Employee:
    """The active person a token is for; raises if it is damaged, expired or already used."""
    serializer = _serializer(secret_key)
    try:
        employee_id, fingerprint = serializer.loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired:
        raise InviteExpired from None
    except (BadSignature, ValueError, TypeError):
        raise InviteInvalid from None
    employee = session.get(Employee, employee_id)
    if employee is None or not employee.is_active:
        raise InviteInvalid
    if password_fingerprint(employee) != fingerprint:
        raise InviteUsed
    return employee


@dataclass(frozen=True)
class InviteBatch:
    """Links for many people, issued at one moment, and a signed note of them (`batch`) from
    which the same links can be written out again, say as a file, without issuing new ones."""

    links: list[tuple[Employee, str]]  # each person and their token
    batch: str
    issued_at: datetime


def issue_invites(
    session: Session, secret_key: str, employees: Sequence[Employee], *, actor_id: int | None
) -> InviteBatch:
    """A one-time link for each person, every one recorded in the audit log (no token)."""
    at = int(clock.now().timestamp())
    serializer = _serializer(secret_key, at)
    links, note = [], []
    for employee in employees:
        audit.record(session, "password_link.issued", describe(employee), actor_id=actor_id)
        fingerprint = password_fingerprint(employee)
        links.append((employee, serializer.dumps([employee.id, fingerprint])))
        note.append([employee.id, fingerprint])
    batch = URLSafeTimedSerializer(secret_key, salt=BATCH_SALT, signer=_ClockSigner).dumps(
        [at, note]
    )
    return InviteBatch(links, batch, datetime.fromtimestamp(at, UTC))


def links_of_batch(
    session: Session, secret_key: str, batch: str, max_age: timedelta
) -> InviteBatch:
    """The links of a batch that still work: the person is active and has not set a password
    since. Raises InviteExpired or InviteInvalid for a batch too old or damaged."""
    try:
        at, note = URLSafeTimedSerializer(secret_key, salt=BATCH_SALT, signer=_ClockSigner).loads(
            batch, max_age=int(max_age.total_seconds())
        )
        wanted = {int(employee_id): str(fingerprint) for employee_id, fingerprint in note}
    except SignatureExpired:
        raise InviteExpired from None
    except (BadSignature, ValueError, TypeError):
        raise InviteInvalid from None
    serializer = _serializer(secret_key, int(at))
    people = session.scalars(
        select(Employee)
        .where(Employee.id.in_(list(wanted)), Employee.is_active)
        .order_by(Employee.last_name, Employee.first_name, Employee.id)
    )
    links = [
        (person, serializer.dumps([person.id, wanted[person.id]]))
        for person in people
        if password_fingerprint(person) == wanted[person.id]
    ]
    return InviteBatch(links, batch, datetime.fromtimestamp(int(at), UTC))
