"""Password hashing (argon2id) and the rules a new password must meet. Pure."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 256
# OWASP's minimum for argon2id: 19 MiB of memory, 2 iterations, 1 lane.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so a wrong email costs a wrong password's time.

    Made on first use: hashing at import would cost every process argon2's 19 MiB.
    """
    return _hasher.hash("not a real password, only for timing")


def hash_password(password: str) -> str:
    """An argon2id hash that embeds its own salt and parameters."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if the password matches; a missing hash still costs one verification."""
    try:
        return (
            _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False


def password_problems(password: str, *, user_inputs: list[str]) -> list[str]:
    """Why a password would be refused, in words a person can act on (empty if it is fine)."""
    if len(password) < MIN_LENGTH:
        return [f"Use at least {MIN_LENGTH} characters; a short sentence is easy to remember."]
    if len(password) > MAX_LENGTH:
        return [f"Use at most {MAX_LENGTH} characters."]
    # Imported on first use: its word lists hold 13 MB that imports and reports never need.
    from zxcvbn import zxcvbn

    strength = zxcvbn(password, user_inputs=user_inputs)
    if strength["score"] < 3:
        warning = strength["feedback"]["warning"] or "This password is easy to guess."
        return [
            f"{warning.rstrip('.')}. Choose something less common, such as four unrelated words."
        ]
    return []
