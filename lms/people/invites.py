"""One-time, expiring links that let a person set their password (first time or again)."""

from __future__ import annotations

from datetime import timedelta

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from lms import clock
from lms.audit import services as audit
from lms.people.accounts import describe, password_fingerprint
from lms.people.models import Employee

SALT = "postwise.invite"


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


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT, signer=_ClockSigner)


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
