"""What every paged read of the API shares: limit and cursor, and the 304 it may answer."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from lms.api.cursor import Cursor
from lms.api.schemas import MAX_LIMIT, UtcTime

NOT_MODIFIED = "Not modified (If-None-Match matched the ETag)"


def since(what: str) -> UtcTime:
    """A time filter: ISO 8601 with a time zone, meaning `what` at or after it."""
    return UtcTime(metadata={"description": f"ISO 8601 with a time zone: {what} at or after"})


class PageQuery(Schema):
    """The paging half of a list's query: how many rows, and after which."""

    limit = fields.Integer(load_default=100, validate=validate.Range(1, MAX_LIMIT))
    cursor = Cursor()
