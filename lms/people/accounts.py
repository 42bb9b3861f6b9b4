"""Signing in, passwords and HR rights: the account rules shared by web and CLI."""

from __future__ import annotations

import hashlib
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.audit import services as audit
from lms.messages import Message
from lms.people.models import Employee
from lms.people.passwords import hash_password, password_problems, verify_password

log = logging.getLogger(__name__)
security_log = logging.getLogger("lms.security")


class PasswordRejected(ValueError):
    """The new password breaks a rule; `reasons` says which, in plain words (Messages)."""

    def __init__(self, reasons: list[Message]) -> None:
        super().__init__(" ".join(str(reason) for reason in reasons))
        self.reasons = reasons


class UnknownPerson(LookupError):
    """No employee has that email address."""


def find_by_email(session: Session, email: str) -> Employee | None:
    """The employee with this address, whatever its case."""
    return session.scalar(select(Employee).where(Employee.email == email.strip().lower()))


def get_by_email(session: Session, email: str) -> Employee:
    """Like find_by_email, but an unknown address is an error (for CLI commands)."""
    employee = find_by_email(session, email)
    if employee is None:
        raise UnknownPerson(f"No one in Postwise has the email address {email!r}.")
    return employee


def authenticate(session: Session, email: str, password: str) -> Employee | None:
    """The employee if the email and password are right and the account may sign in.

    Every failure looks the same to the caller and costs the same time. How often one may
    try is lms.people.sign_ins' business.
    """
    employee = find_by_email(session, email)
    if verify_password(employee.password_hash if employee else None, password):
        assert employee is not None
        if employee.is_active:
            return employee
        security_log.warning("sign-in refused: account %s is inactive", employee.id)
        return None
    if employee is None:
        security_log.warning("sign-in failed: unknown email")
    else:
        security_log.warning("sign-in failed: wrong password for account %s", employee.id)
    return None


def set_password(session: Session, employee: Employee, password: str) -> None:
    """Check the rules, store the new hash, and end every session signed in with the old one."""
    reasons = password_problems(
        password, user_inputs=[employee.email, employee.first_name, employee.last_name]
    )
    if reasons:
        raise PasswordRejected(reasons)
    employee.password_hash = hash_password(password)
    end_sessions(employee)
    log.info("password set for employee %s", employee.id)


def end_sessions(employee: Employee) -> None:
    """Make every session cookie issued so far for this person stop working."""
    employee.session_version += 1


def set_hr_admin(
    session: Session, employee: Employee, granted: bool, *, actor_id: int | None = None
) -> bool:
    """Grant or revoke the HR admin role; True if anything changed."""
    if employee.is_hr_admin == granted:
        return False
    employee.is_hr_admin = granted
    end_sessions(employee)
    audit.record(
        session,
        "role.granted" if granted else "role.revoked",
        describe(employee),
        actor_id=actor_id,
        before="HR admin" if not granted else "employee",
        after="HR admin" if granted else "employee",
    )
    log.info("HR admin %s for employee %s", "granted" if granted else "revoked", employee.id)
    return True


def describe(employee: Employee) -> str:
    """How the audit log names a person."""
    return f"employee {employee.hris_id} ({employee.email})"


def password_fingerprint(employee: Employee) -> str:
    """Changes whenever the password does, so a link that set it cannot be used again."""
    return hashlib.sha256((employee.password_hash or "none").encode()).hexdigest()[:16]
