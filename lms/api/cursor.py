"""Page cursors: opaque to clients (they pass them back unread), and every string the
OpenAPI document allows is one (so a cursor is never refused for its shape alone)."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

# Up to 7fffffff: ids are 32-bit integers on PostgreSQL, and a bigger number in a query
# would be an error there rather than an empty page.
PATTERN = r"^c[0-7]?[0-9a-f]{1,7}$"


def encode(after_id: int) -> str:
    """A cursor for the page after this id."""
    return f"c{after_id:x}"


class Cursor(fields.String):
    """A query parameter that loads as the id the next page starts after."""

    def __init__(self, **kwargs: Any) -> None:
        description = "from the previous page's next link"
        super().__init__(metadata={"description": description, "pattern": PATTERN}, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        text = super()._deserialize(value, attr, data, **kwargs)
        validate.Regexp(PATTERN, error="Not a cursor: use the next link as given.")(text)
        return int(text[1:], 16)
