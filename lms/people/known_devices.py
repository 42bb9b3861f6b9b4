"""The "known browser" cookie: proof that this browser signed in to an account before.

OWASP's device-cookie defence against lockout attacks. After a successful sign-in the browser
gets a signed cookie naming the account, a random nonce and a fingerprint of the password it
used. Wrong passwords typed in that browser are counted for that browser alone (see
lms.people.throttle), so an attacker elsewhere cannot keep its owner out. A new password
(the account may have been taken over) makes every earlier cookie worthless.

One cookie holds the few accounts used most recently in this browser (a shared computer).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadData, URLSafeTimedSerializer

from lms.people.accounts import password_fingerprint
from lms.people.models import Employee

COOKIE_NAME = "postwise_known_browser"
SALT = "postwise.known-browser"
MOST_ACCOUNTS = 5


@dataclass(frozen=True)
class KnownDevice:
    employee_id: int
    nonce: str
    fingerprint: str

    def matches(self, employee: Employee | None) -> bool:
        """True for the account this cookie was issued to, while its password is unchanged."""
        return (
            employee is not None
            and employee.id == self.employee_id
            and secrets.compare_digest(self.fingerprint, password_fingerprint(employee))
        )


def read(secret_key: str, cookie: str | None, max_age: timedelta) -> list[KnownDevice]:
    """The accounts this browser is known to; nothing for a missing, old or forged cookie."""
    if not cookie:
        return []
    serializer = URLSafeTimedSerializer(secret_key, salt=SALT)
    try:
        entries = serializer.loads(cookie, max_age=int(max_age.total_seconds()))
    except BadData:
        return []
    try:
        return [KnownDevice(int(e), str(n), str(f)) for e, n, f in entries][:MOST_ACCOUNTS]
    except (TypeError, ValueError):
        return []


def remember(secret_key: str, devices: list[KnownDevice], employee: Employee) -> str:
    """A new cookie value that knows this browser for `employee` (first), keeping its nonce."""
    kept = next((d for d in devices if d.employee_id == employee.id), None)
    nonce = kept.nonce if kept else secrets.token_urlsafe(12)
    others = [d for d in devices if d.employee_id != employee.id][: MOST_ACCOUNTS - 1]
    entries = [[employee.id, nonce, password_fingerprint(employee)]]
    entries += [[d.employee_id, d.nonce, d.fingerprint] for d in others]
    return URLSafeTimedSerializer(secret_key, salt=SALT).dumps(entries)


def for_account(devices: list[KnownDevice], employee: Employee | None) -> KnownDevice | None:
    """This browser's entry for the account being tried, if it is still valid."""
    return next((d for d in devices if d.matches(employee)), None)
