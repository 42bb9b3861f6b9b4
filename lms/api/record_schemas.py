"""The marshmallow schemas of the learning records the API reads: guideline
acknowledgements (GET /attestations), certificates and their public verification."""

from __future__ import annotations

from marshmallow import Schema, fields

from lms.api.page_schemas import PageQuery, since
from lms.api.schemas import NO_NUL
from lms.learning.certificates import CODE_SHAPE

CODE_PATTERN = f"^{CODE_SHAPE.pattern}$"


class RecordQuery(PageQuery):
    """Filters and paging of GET /attestations and GET /certificates."""

    course = fields.String(metadata={"description": "a course's slug", **NO_NUL})
    email = fields.Email(metadata={"description": "one person's address"})


class AttestationQuery(RecordQuery):
    updated_since = since("acknowledged")


class CertificateQuery(RecordQuery):
    updated_since = since("issued")


class _Person(Schema):
    employee_id = fields.String(required=True, metadata={"description": "the HRIS id"})
    email = fields.String(required=True)
    name = fields.String(required=True)


class AttestationSchema(_Person):
    """Someone confirmed they read a version of the guideline and will follow it (never
    changed once recorded)."""

    id = fields.Integer(required=True)
    course = fields.String(required=True, metadata={"description": "the guideline's slug"})
    version = fields.Integer(required=True)
    acknowledged_at = fields.AwareDateTime(required=True)


class AttestationPageSchema(Schema):
    """A page of acknowledgements and the link to the next (null on the last page)."""

    data = fields.List(fields.Nested(AttestationSchema), required=True)
    next = fields.String(allow_none=True, required=True)


class CertificateSchema(_Person):
    """A certificate of a completed course; valid_until is null for a course that does not
    recertify."""

    id = fields.Integer(required=True)
    code = fields.String(required=True, metadata={"description": "the verification code"})
    course = fields.String(required=True, metadata={"description": "the course's slug"})
    course_title = fields.String(required=True)
    version = fields.Integer(required=True)
    completed_at = fields.AwareDateTime(required=True)
    score = fields.Integer(allow_none=True, required=True)
    issued_at = fields.AwareDateTime(required=True)
    valid_until = fields.AwareDateTime(allow_none=True, required=True)
    expired = fields.Boolean(required=True)


class CertificatePageSchema(Schema):
    """A page of certificates and the link to the next (null on the last page)."""

    data = fields.List(fields.Nested(CertificateSchema), required=True)
    next = fields.String(allow_none=True, required=True)


class VerificationSchema(Schema):
    """What anyone holding a certificate's code may learn: whose it is, for which course,
    and whether it still counts. Nothing else about the person."""

    valid = fields.Boolean(required=True, metadata={"description": "genuine and not expired"})
    expired = fields.Boolean(required=True)
    name = fields.String(required=True)
    course_title = fields.String(required=True)
    completed_at = fields.AwareDateTime(required=True)
    issued_at = fields.AwareDateTime(required=True)
    valid_until = fields.AwareDateTime(allow_none=True, required=True)
