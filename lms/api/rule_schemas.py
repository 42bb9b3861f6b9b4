"""What the API says about assignment rules: the query, a rule, a page, and a new rule."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from lms.api.cursor import Cursor
from lms.api.schemas import MAX_LIMIT, NO_NUL
from lms.assignments.models import AUDIENCES

# Which list names the audience, per kind of audience ("everyone" names nobody).
AUDIENCE_FIELDS = {
    "departments": "departments",
    "locations": "locations",
    "groups": "groups",
    "manager": "manager",
    "people": "people",
}


class RuleQuery(Schema):
    """Paging of GET /assignment-rules."""

    limit = fields.Integer(load_default=100, validate=validate.Range(1, MAX_LIMIT))
    cursor = Cursor()


def _names(description: str) -> fields.List:
    return fields.List(
        fields.String(metadata=NO_NUL), required=True, metadata={"description": description}
    )


class RuleSchema(Schema):
    """One active rule: a course for an audience, due so many days after it is assigned."""

    id = fields.Integer(required=True)
    course = fields.String(required=True, metadata={"description": "the course's slug"})
    audience = fields.String(required=True, validate=validate.OneOf(AUDIENCES))
    departments = _names("for audience departments")
    locations = _names("for audience locations")
    groups = _names("directory groups' names, for audience groups")
    manager = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "for audience manager: their whole line (null outside scope)"},
    )
    people = _names("addresses, for audience people (only those in the client's scope)")
    due_days = fields.Integer(required=True)
    recertify_months = fields.Integer(allow_none=True, required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


class RulePageSchema(Schema):
    """A page of rules and the link to the next (null on the last page)."""

    data = fields.List(fields.Nested(RuleSchema), required=True)
    next = fields.String(allow_none=True, required=True)


def _given(description: str) -> fields.List:
    return fields.List(
        fields.String(metadata=NO_NUL), metadata={"description": description}, load_default=list
    )


class NewRuleSchema(Schema):
    """A rule to add; the service checks that the course, names and people exist."""

    class Meta:
        unknown = RAISE  # a misspelt field is an error, not silently ignored

    course = fields.String(required=True, metadata={"description": "a course's slug", **NO_NUL})
    audience = fields.String(required=True, validate=validate.OneOf(AUDIENCES))
    departments = _given("for audience departments: department names")
    locations = _given("for audience locations: location names")
    groups = _given("for audience groups: directory groups' names")
    manager = fields.String(
        metadata={"description": "for audience manager: the manager's address", **NO_NUL}
    )
    people = _given("for audience people: their addresses")
    due_days = fields.Integer(
        required=True,
        metadata={"description": "days after it is assigned", "minimum": 1, "maximum": 3650},
    )
    recertify_months = fields.Integer(
        allow_none=True,
        load_default=None,
        metadata={
            "description": "take it again this many months after completing it",
            "minimum": 1,
            "maximum": 120,
        },
    )

    @validates_schema
    def _one_audience(self, data: dict[str, Any], **_: Any) -> None:
        """Names for another audience than the one chosen are a mistake, not to be ignored."""
        chosen = AUDIENCE_FIELDS.get(data.get("audience", ""))
        stray = [
            name
            for name in AUDIENCE_FIELDS.values()
            if name != chosen and data.get(name) not in (None, [])
        ]
        if stray:
            audience = data.get("audience")
            raise ValidationError(
                {name: [f"Only for audience {name}, not {audience}."] for name in stray}
            )
