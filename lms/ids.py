"""Ids as a browser sends them in a form: read strictly, so odd input is refused, never a 500.

`str.isdigit()` and `int()` accept far more than a page ever sends: superscripts ('²' passes
isdigit, then int() raises), other scripts' digits ('١٢' becomes 12), and thousands of digits
(int() refuses past 4,300). A page writes an id as plain ASCII digits, so only that is read.
Pure: no Flask, no database.
"""

from __future__ import annotations

import re

# 18 digits hold any id our tables can reach (PostgreSQL's bigint stops at 19) and keep a
# pasted 5,000-digit value from ever reaching int().
MAX_ID_DIGITS = 18
_ID = re.compile(rf"0|[1-9][0-9]{{0,{MAX_ID_DIGITS - 1}}}")
_SHOWN = 20  # characters of a refused value repeated in the message


class InvalidId(ValueError):
    """A form value that is not an id as the page writes it; the message names the field."""


def parse_id(raw: str, *, field: str, what: str) -> int:
    """The id in `raw`, which must be ASCII decimal digits without sign, spaces or leading zeros.

    `field` is the form field it came from and `what` the kind of id ("question", "choice"),
    both named in the message. Leading zeros are refused so that "q7" and "q007" can never
    both name question 7 in one post.
    """
    if _ID.fullmatch(raw):
        return int(raw)
    problem = "is empty" if not raw else f"has {_shortened(raw)!r}"
    raise InvalidId(
        f"The field {_shortened(field)!r} {problem}, which is not a {what} id: "
        f"ids are whole numbers written with the digits 0 to 9, at most {MAX_ID_DIGITS} of them."
    )


def _shortened(text: str) -> str:
    """A value short enough to repeat in a message (and in a cookie-sized flash)."""
    if len(text) <= _SHOWN:
        return text
    return f"{text[:_SHOWN]}… ({len(text)} characters)"
