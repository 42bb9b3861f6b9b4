"""Growing delays after wrong passwords, counted where every app process and host sees them.

A fixed lockout lets anyone keep an account shut for ever with a few wrong passwords now and
then. Instead, failures are counted per *scope*: an account tried from browsers it has not
signed in from before, one known browser of an account, or one client address. After
`attempts` failures in a scope, that scope waits `first`, and each further failure doubles
the wait, up to `longest`. A browser that signed in before has its own scope (see
lms.people.known_devices), so failures from elsewhere never keep its owner out.

Counters live in the rate limiter's storage (the `limits` library: memory for one process,
Redis for several), so every process and host sees the same counts. Whether a scope waits,
and when its count starts again, is decided against lms.clock; the storage's own expiry only
removes keys nobody will read again.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from limits.errors import StorageError
from limits.storage import Storage

from lms import clock

log = logging.getLogger(__name__)


class ScopeKind(Enum):
    """What a counted scope stands for, which decides what the person is told."""

    ACCOUNT = "account"  # one email address, tried from browsers not known to it
    DEVICE = "device"  # one browser that signed in to the account before
    ADDRESS = "address"  # one client address, whatever account it tries


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    key: str  # never a raw email or cookie: see the constructors below

    @classmethod
    def account(cls, email: str) -> Scope:
        """By email, not by employee, so an unknown address behaves like a known one."""
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
        return cls(ScopeKind.ACCOUNT, digest)

    @classmethod
    def device(cls, employee_id: int, nonce: str) -> Scope:
        return cls(ScopeKind.DEVICE, f"{employee_id}:{nonce}")

    @classmethod
    def address(cls, address: str) -> Scope:
        """One IPv6 client holds a whole /64, so its addresses count as one."""
        try:
            parsed = ipaddress.ip_address(address)
        except ValueError:
            return cls(ScopeKind.ADDRESS, address)
        if isinstance(parsed, ipaddress.IPv6Address):
            if parsed.ipv4_mapped:
                return cls(ScopeKind.ADDRESS, str(parsed.ipv4_mapped))
            return cls(ScopeKind.ADDRESS, str(ipaddress.ip_network(f"{parsed}/64", strict=False)))
        return cls(ScopeKind.ADDRESS, str(parsed))


@dataclass(frozen=True)
class DelayPolicy:
    """How many failures a scope may have before it waits, and how the wait grows."""

    attempts: int = 5
    first: timedelta = timedelta(minutes=1)
    longest: timedelta = timedelta(hours=1)
    forget_after: timedelta = timedelta(hours=24)  # counts start again each such period

    def delay(self, failures: int) -> timedelta | None:
        """The wait after this many failures in a row, or None while under the limit."""
        if failures < self.attempts:
            return None
        doublings = min(failures - self.attempts, 32)
        return min(self.first * 2**doublings, self.longest)


@dataclass(frozen=True)
class Wait:
    """A scope that may not try again yet, and until when."""

    kind: ScopeKind
    until: datetime

    def minutes_left(self) -> int:
        """Whole minutes, rounded up: "1 minute" when only seconds remain."""
        return max(1, math.ceil((self.until - clock.now()).total_seconds() / 60))


class SignInThrottle:
    """Counts failures per scope in a `limits` storage and says which scope must wait."""

    def __init__(
        self, storage: Storage, policies: dict[ScopeKind, DelayPolicy], prefix: str
    ) -> None:
        self.storage = storage
        self.policies = policies
        self.prefix = prefix

    def wait(self, scopes: list[Scope]) -> Wait | None:
        """The longest wait among these scopes, or None when each may try now (also when the
        storage does not answer: an outage must not keep everyone out)."""
        try:
            return self._wait(scopes)
        except StorageError as error:
            log.error("sign-in counts unavailable, not applied: %s", error)
            return None

    def failed(self, scopes: list[Scope]) -> None:
        """Count one failure in each scope; a scope past its limit starts waiting now."""
        try:
            self._failed(scopes)
        except StorageError as error:
            log.error("sign-in failure not counted, storage unavailable: %s", error)

    def succeeded(self, scopes: list[Scope]) -> None:
        """The right password: these scopes start counting again from nothing."""
        now = clock.now()
        try:
            for scope in scopes:
                self.storage.clear(self._failures_key(scope, now))
        except StorageError as error:
            log.error("sign-in counts not reset, storage unavailable: %s", error)

    def _wait(self, scopes: list[Scope]) -> Wait | None:
        now = clock.now()
        waits = []
        for scope in scopes:
            failures = self.storage.get(self._failures_key(scope, now))
            if self.policies[scope.kind].delay(failures) is None:
                continue
            until = self.storage.get(self._until_key(scope, now, failures))
            if until and until > now.timestamp():
                waits.append(Wait(scope.kind, datetime.fromtimestamp(until, now.tzinfo)))
        return max(waits, key=lambda w: w.until, default=None)

    def _failed(self, scopes: list[Scope]) -> None:
        """The increment is atomic, so each failure number belongs to one request, which alone
        writes that number's end of wait: concurrent processes never add up their times.
        """
        now = clock.now()
        for scope in scopes:
            policy = self.policies[scope.kind]
            keep = int((policy.forget_after + policy.longest).total_seconds()) + 60
            failures = self.storage.incr(self._failures_key(scope, now), keep)
            delay = policy.delay(failures)
            if delay is None:
                continue
            key = self._until_key(scope, now, failures)
            self.storage.clear(key)
            self.storage.incr(
                key, int(delay.total_seconds()) + 60, amount=math.ceil((now + delay).timestamp())
            )

    def _failures_key(self, scope: Scope, now: datetime) -> str:
        """Counts are kept per period of `forget_after` on lms.clock, so they start again
        each period (and tests move the clock instead of waiting)."""
        period = int(now.timestamp() // self.policies[scope.kind].forget_after.total_seconds())
        return f"{self.prefix}:failures:{scope.kind.value}:{scope.key}:{period}"

    def _until_key(self, scope: Scope, now: datetime, failures: int) -> str:
        return f"{self._failures_key(scope, now)}:until:{failures}"
