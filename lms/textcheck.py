"""Characters no database column can hold, found before they reach one. Pure.

PostgreSQL text refuses the NUL character outright (psycopg raises, the request answers 500)
and SQLite stores it, so a value that works on one database breaks the other and, later, the
files made from it. Lone surrogates cannot be written as UTF-8 at all. Every way text comes
in (form fields, query strings, CSV cells, pack files) checks with these functions and says
where the character is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True)
class Position:
    """Where the first unstorable character is: 1-based line and column, and what it is."""

    line: int
    column: int
    character: str

    @property
    def name(self) -> str:
        """The character in words, for messages."""
        if self.character == "\x00":
            return "a NUL character (\\x00)"
        return f"an invalid character (U+{ord(self.character):04X})"


def has_unstorable(text: str) -> bool:
    """True if the text holds a character that cannot be stored."""
    return UNSTORABLE.search(text) is not None


def first_unstorable(text: str) -> Position | None:
    """Where the first character that cannot be stored is, or None if there is none."""
    match = UNSTORABLE.search(text)
    if match is None:
        return None
    start = match.start()
    line_start = text.rfind("\n", 0, start) + 1
    return Position(text.count("\n", 0, start) + 1, start - line_start + 1, match.group())


def without_unstorable(text: str) -> str:
    """The text with such characters removed: for text that must be shown, never stored."""
    return UNSTORABLE.sub("", text)


def too_long(value: str | None, limit: int) -> str | None:
    """The message for a form field whose text does not fit its column, or None if it fits."""
    if value is None or len(value) <= limit:
        return None
    return f"This is {len(value):,} characters long; keep it to {limit} or fewer."
