"""GET /api/v1/certificates and /certificates/{code}: certificates in the client's scope;
/certificates/{code}/verification: the public check of a code."""

from __future__ import annotations

from typing import Any

from flask import Response, abort

from lms import clock
from lms.access import api_scope
from lms.api.auth import require_scope, token
from lms.api.blueprint import bp, json_with_etag, next_link
from lms.api.certificate_feed import certificate, certificates_page
from lms.api.page_schemas import NOT_MODIFIED
from lms.api.problems import problem
from lms.api.record_feed import filters_of
from lms.api.record_schemas import (
    CODE_PATTERN,
    CertificatePageSchema,
    CertificateQuery,
    CertificateSchema,
    VerificationSchema,
)
from lms.api.scopes import READ_COMPLETIONS
from lms.dbsession import db_session
from lms.learning.certificates import find_by_code

_CERTIFICATES = CertificatePageSchema()
_CERTIFICATE = CertificateSchema()
_VERIFICATION = VerificationSchema()
_CODE = {"in": "path", "name": "code", "schema": {"type": "string", "pattern": CODE_PATTERN}}
_SECURITY = [{"oauth2": [READ_COMPLETIONS]}]


@bp.get("/certificates")
@bp.arguments(CertificateQuery, location="query", as_kwargs=True)
@bp.response(200, CertificatePageSchema)
@bp.alt_response(304, description=NOT_MODIFIED)
@bp.doc(security=_SECURITY)
@require_scope(READ_COMPLETIONS)
def certificates(limit: int, **query: Any) -> Response:
    """Certificates of completed courses, a page at a time.

    A manager-scoped client sees only its manager's reporting line.
    """
    scope = api_scope(token().client.manager_id)
    after = query.get("cursor", 0)
    now = clock.now()
    rows, more = certificates_page(db_session(), scope, filters_of(query), after, limit, now)
    link = next_link(rows[-1].id) if more else None
    return json_with_etag(_CERTIFICATES.dump({"data": rows, "next": link}))


@bp.get("/certificates/<code>", parameters=[_CODE])
@bp.response(200, CertificateSchema)
@bp.alt_response(304, description=NOT_MODIFIED)
@bp.alt_response(404, description="No certificate with that code in this client's scope")
@bp.doc(security=_SECURITY)
@require_scope(READ_COMPLETIONS)
def one_certificate(code: str) -> Response:
    """One certificate; one outside the client's scope does not exist for it (404)."""
    scope = api_scope(token().client.manager_id)
    found = certificate(db_session(), scope, code, clock.now())
    if found is None:
        abort(problem(404, "No certificate with that code is in this client's scope."))
    return json_with_etag(_CERTIFICATE.dump(found))


@bp.get("/certificates/<code>/verification", parameters=[_CODE])
@bp.response(200, VerificationSchema)
@bp.alt_response(304, description=NOT_MODIFIED)
@bp.alt_response(404, description="No certificate has that code")
@bp.doc(security=[])
def verification(code: str) -> Response:
    """Whether a certificate is genuine and still valid.

    Public, no token needed: anyone shown a certificate may check it. It tells only whose
    it is and for which course.
    """
    details = find_by_code(db_session(), code)
    if details is None:
        abort(problem(404, "No certificate has that code: check it against the certificate."))
    expired = details.expired(clock.now())
    body = {
        "valid": not expired,
        "expired": expired,
        "name": details.name,
        "course_title": details.course_title,
        "completed_at": details.completed_at,
        "issued_at": details.issued_at,
        "valid_until": details.valid_until,
    }
    return json_with_etag(_VERIFICATION.dump(body))
