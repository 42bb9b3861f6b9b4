"""One sign-in attempt: which counters it touches, whether it may try, and what came of it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session

from lms.people import known_devices
from lms.people.accounts import authenticate, find_by_email
from lms.people.known_devices import KnownDevice
from lms.people.models import Employee
from lms.people.passwords import verify_password
from lms.people.throttle import Scope, ScopeKind, SignInThrottle, Wait

security_log = logging.getLogger("lms.security")


@dataclass(frozen=True)
class SignInAttempt:
    email: str
    password: str
    address: str  # the client's, as the app sees it behind its trusted proxies
    devices: list[KnownDevice]  # the accounts this browser has signed in to before


@dataclass(frozen=True)
class SignInOutcome:
    employee: Employee | None = None  # set when signed in
    wait: Wait | None = None  # set when this browser must wait before trying again


def attempt_sign_in(
    session: Session, throttle: SignInThrottle | None, attempt: SignInAttempt
) -> SignInOutcome:
    """Check the password unless a counter says wait; count the failure if it is wrong.

    A browser known to the account is counted on its own. Any other browser is counted for
    the account (by email, so an unknown email behaves the same) and for its address.
    """
    employee = find_by_email(session, attempt.email)
    device = known_devices.for_account(attempt.devices, employee)
    if device is not None:
        scopes = [Scope.device(device.employee_id, device.nonce)]
    else:
        scopes = [Scope.account(attempt.email), Scope.address(attempt.address)]
    if throttle is not None and (wait := throttle.wait(scopes)):
        verify_password(None, attempt.password)  # a refusal costs what a check costs
        _log_wait("sign-in refused", wait, employee, attempt.address)
        return SignInOutcome(wait=wait)
    signed_in = authenticate(session, attempt.email, attempt.password)
    if throttle is None:
        return SignInOutcome(employee=signed_in)
    if signed_in is not None:
        # Not the address: its owner could otherwise reset it between guesses at others.
        throttle.succeeded([s for s in scopes if s.kind is not ScopeKind.ADDRESS])
        return SignInOutcome(employee=signed_in)
    throttle.failed(scopes)
    wait = throttle.wait(scopes)
    if wait is not None:
        _log_wait("sign-in delayed", wait, employee, attempt.address)
    return SignInOutcome(wait=wait)


def _log_wait(event: str, wait: Wait, employee: Employee | None, address: str) -> None:
    """Which counter stopped whom, without the email typed (it may be a password)."""
    if wait.kind is ScopeKind.ADDRESS:
        who = f"address {address}"
    elif employee is None:
        who = "an unknown email"
    elif wait.kind is ScopeKind.DEVICE:
        who = f"account {employee.id} from a browser it signed in from before"
    else:
        who = f"account {employee.id} from browsers it has not signed in from"
    security_log.warning(
        "%s: too many wrong passwords for %s; waits until %s",
        event,
        who,
        wait.until.isoformat(timespec="seconds"),
    )
