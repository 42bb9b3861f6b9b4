"""The marshmallow schemas of GET /courses and GET /courses/{slug}."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from lms.api.page_schemas import PageQuery
from lms.courses.models import PUBLISHED, RETIRED

KINDS = ("course", "guideline")
# A course's slug as packs allow it (lms.courses.packs.SLUG), as long as the column allows.
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class CourseQuery(PageQuery):
    """Filters and paging of GET /courses."""

    kind = fields.String(validate=validate.OneOf(KINDS))


class VersionSchema(Schema):
    """A published version of a course (a retired one was published once, and still counts
    for the people who finished it)."""

    number = fields.Integer(required=True)
    title = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf((PUBLISHED, RETIRED)))
    published_at = fields.AwareDateTime(allow_none=True, required=True)


class CourseSchema(Schema):
    """A course with its published versions, oldest first; drafts are HR's and not shown."""

    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    title = fields.String(required=True, metadata={"description": "the newest version's"})
    versions = fields.List(fields.Nested(VersionSchema), required=True)


class CoursePageSchema(Schema):
    """A page of courses and the link to the next (null on the last page)."""

    data = fields.List(fields.Nested(CourseSchema), required=True)
    next = fields.String(allow_none=True, required=True)
