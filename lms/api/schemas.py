"""The API's marshmallow schemas: what the OpenAPI document promises and the views keep."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, fields, validate

from lms.api.cursor import Cursor
from lms.events import KINDS
from lms.learning.statuses import STATUSES

MAX_LIMIT = 500
# Text parameters never hold a NUL, which no database stores (lms.web_security refuses one).
NO_NUL = {"pattern": r"^[^\x00]*$"}


_LANGUAGE = {
    "description": "the interface's language the HRIS names (en, de, fr or es; a tag such as "
    "de-CH is read as de); a person's own choice in Postwise comes first"
}
EARLIEST = datetime.min.replace(tzinfo=UTC)
LATEST = datetime.max.replace(tzinfo=UTC)


class UtcTime(fields.AwareDateTime):
    """An ISO 8601 time with a zone, read as UTC. A valid time that UTC cannot hold (year 1
    at +01:00 is in year 0) means "since the beginning" or "since the end": it is clamped,
    not a 500 (schemathesis found one)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="iso", **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            return EARLIEST if moment.year == EARLIEST.year else LATEST


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(
        keys=fields.String(), values=fields.Raw(), metadata={"description": "per parameter"}
    )


class CompletionQuery(Schema):
    """Filters and paging of GET /completions."""

    updated_since = UtcTime(metadata={"description": "ISO 8601 with a time zone"})
    course = fields.String(metadata={"description": "a course's slug", **NO_NUL})
    status = fields.String(validate=validate.OneOf(STATUSES))
    department = fields.String(metadata=NO_NUL)
    manager = fields.Email(metadata={"description": "a manager's address: their whole line"})
    limit = fields.Integer(load_default=100, validate=validate.Range(1, MAX_LIMIT))
    cursor = Cursor()


class CompletionSchema(Schema):
    """One enrollment: a person's latest cycle of a course, with its status."""

    id = fields.Integer(required=True)
    employee_id = fields.String(required=True, metadata={"description": "the HRIS id"})
    email = fields.String(required=True)
    name = fields.String(required=True)
    department = fields.String(allow_none=True, required=True)
    manager_email = fields.String(allow_none=True, required=True)
    course = fields.String(required=True, metadata={"description": "the course's slug"})
    version = fields.Integer(allow_none=True, required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    assigned_at = fields.AwareDateTime(required=True)
    due_at = fields.AwareDateTime(allow_none=True, required=True)
    started_at = fields.AwareDateTime(allow_none=True, required=True)
    completed_at = fields.AwareDateTime(allow_none=True, required=True)
    score = fields.Integer(allow_none=True, required=True)
    updated_at = fields.AwareDateTime(required=True)


class CompletionPageSchema(Schema):
    """A page of completions and the link to the next (null on the last page)."""

    data = fields.List(fields.Nested(CompletionSchema), required=True)
    next = fields.String(allow_none=True, required=True)


class PeopleQuery(Schema):
    """Filters and paging of GET /people."""

    updated_since = UtcTime(metadata={"description": "ISO 8601 with a time zone"})
    department = fields.String(metadata=NO_NUL)
    limit = fields.Integer(load_default=100, validate=validate.Range(1, MAX_LIMIT))
    cursor = Cursor()


class PersonSchema(Schema):
    """One person, as the HRIS knows them."""

    id = fields.Integer(required=True)
    employee_id = fields.String(required=True, metadata={"description": "the HRIS id"})
    email = fields.String(required=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    department = fields.String(allow_none=True, required=True)
    title = fields.String(allow_none=True, required=True)
    location = fields.String(allow_none=True, required=True)
    manager_email = fields.String(allow_none=True, required=True)
    hire_date = fields.Date(allow_none=True, required=True)
    active = fields.Boolean(required=True)
    language = fields.String(allow_none=True, required=True, metadata=_LANGUAGE)
    updated_at = fields.AwareDateTime(required=True)


class PeoplePageSchema(Schema):
    """A page of people and the link to the next (null on the last page)."""

    data = fields.List(fields.Nested(PersonSchema), required=True)
    next = fields.String(allow_none=True, required=True)


def _no_nul() -> validate.Regexp:
    """Refuses a NUL in a JSON string: no database stores one."""
    return validate.Regexp(
        r"^[^\x00]*$", error="Holds a NUL character (\\x00), which Postwise cannot store."
    )


class WebhookInput(Schema):
    """What POST /webhooks needs: where to post, and which events."""

    url = fields.String(
        required=True,
        validate=[validate.Length(1, 2000), _no_nul()],
        metadata={"description": "https:// (http:// only to localhost outside production)"},
    )
    events = fields.List(
        fields.String(validate=validate.OneOf(KINDS)),
        required=True,
        validate=validate.Length(min=1),
        metadata={"description": "one or more event types"},
    )


class WebhookSchema(Schema):
    """A subscription as the API shows it (never with its secret)."""

    id = fields.Integer(required=True)
    url = fields.String(required=True)
    events = fields.List(fields.String(), required=True, attribute="kinds")
    paused = fields.Boolean(required=True)
    created_at = fields.AwareDateTime(required=True)


class NewWebhookSchema(WebhookSchema):
    """A subscription just made, with its signing secret: shown this once, never again."""

    secret = fields.String(required=True, metadata={"description": "verifies the signatures"})


class WebhookListSchema(Schema):
    """Every subscription (there are few: no paging)."""

    data = fields.List(fields.Nested(WebhookSchema), required=True)


def _text(**options: object) -> fields.String:
    return fields.String(validate=_no_nul(), **options)  # type: ignore[arg-type]


class PersonChangeSchema(Schema):
    """PATCH /people/{id}: only the fields to change; null clears an optional one. The
    employee id is the HRIS's name for the person and does not change here."""

    email = _text()
    first_name = _text()
    last_name = _text()
    department = _text(allow_none=True)
    title = _text(allow_none=True)
    location = _text(allow_none=True)
    manager_email = _text(allow_none=True, metadata={"description": "the manager's address"})
    hire_date = fields.Date(allow_none=True)
    active = fields.Boolean(metadata={"description": "false deactivates (never deletes)"})
    language = _text(allow_none=True, metadata=_LANGUAGE)


class NewPersonSchema(PersonChangeSchema):
    """POST /people: a person the HRIS has not sent yet."""

    employee_id = _text(required=True, metadata={"description": "the HRIS id"})
    email = _text(required=True)
    first_name = _text(required=True)
    last_name = _text(required=True)
