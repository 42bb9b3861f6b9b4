"""The marshmallow schemas of GET /audit-events."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from lms.api.page_schemas import PageQuery, since
from lms.audit.services import ACTIONS


class AuditQuery(PageQuery):
    """Filters and paging of GET /audit-events."""

    action = fields.String(validate=validate.OneOf(ACTIONS))
    since = since("recorded")


class AuditEventSchema(Schema):
    """One HR action, as recorded; the log is append-only, so an event never changes."""

    id = fields.Integer(required=True)
    at = fields.AwareDateTime(required=True)
    actor_email = fields.String(
        allow_none=True, required=True, metadata={"description": "null: the command line"}
    )
    action = fields.String(required=True, validate=validate.OneOf(ACTIONS))
    what = fields.String(required=True, metadata={"description": "the action in words"})
    target = fields.String(required=True, metadata={"description": "what it was done to"})
    before = fields.String(allow_none=True, required=True)
    after = fields.String(allow_none=True, required=True)


class AuditPageSchema(Schema):
    """A page of events and the link to the next (null on the last page)."""

    data = fields.List(fields.Nested(AuditEventSchema), required=True)
    next = fields.String(allow_none=True, required=True)
