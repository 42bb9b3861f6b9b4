"""Password hashing (argon2id) and the rules a new password must meet. Pure."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from lms.messages import N_, Message

MIN_LENGTH = 12
MAX_LENGTH = 256
# OWASP's minimum for argon2id: 19 MiB of memory, 2 iterations, 1 lane.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# zxcvbn's warnings, in English only, as catalogue messages; one it adds later gets the last.
_WARNINGS = {
    "Straight rows of keys are easy to guess.": N_("Straight rows of keys are easy to guess."),
    "Short keyboard patterns are easy to guess.": N_("Short keyboard patterns are easy to guess."),
    'Repeats like "aaa" are easy to guess.': N_("Repeats like “aaa” are easy to guess."),
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': N_(
        "Repeats like “abcabcabc” are only slightly harder to guess than “abc”."
    ),
    'Sequences like "abc" or "6543" are easy to guess.': N_(
        "Sequences like “abc” or “6543” are easy to guess."
    ),
    "Recent years are easy to guess.": N_("Recent years are easy to guess."),
    "Dates are often easy to guess.": N_("Dates are often easy to guess."),
    "This is a top-10 common password.": N_("This is a top-10 common password."),
    "This is a top-100 common password.": N_("This is a top-100 common password."),
    "This is a very common password.": N_("This is a very common password."),
    "This is similar to a commonly used password.": N_(
        "This is similar to a commonly used password."
    ),
    "A word by itself is easy to guess.": N_("A word by itself is easy to guess."),
    "Names and surnames by themselves are easy to guess.": N_(
        "Names and surnames by themselves are easy to guess."
    ),
    "Common names and surnames are easy to guess.": N_(
        "Common names and surnames are easy to guess."
    ),
}
_EASY = N_("This password is easy to guess.")


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


def password_problems(password: str, *, user_inputs: list[str]) -> list[Message]:
    """Why a password would be refused, in words a person can act on (empty if it is fine)."""
    if len(password) < MIN_LENGTH:
        return [
            N_(
                "Use at least %(least)d characters; a short sentence is easy to remember.",
                least=MIN_LENGTH,
            )
        ]
    if len(password) > MAX_LENGTH:
        return [N_("Use at most %(most)d characters.", most=MAX_LENGTH)]
    # Imported on first use: its word lists hold 13 MB that imports and reports never need.
    from zxcvbn import zxcvbn

    strength = zxcvbn(password, user_inputs=user_inputs)
    if strength["score"] < 3:
        warning = _WARNINGS.get(strength["feedback"]["warning"], _EASY)
        return [
            N_(
                "%(warning)s Choose something less common, such as four unrelated words.",
                warning=warning,
            )
        ]
    return []
