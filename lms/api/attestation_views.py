"""GET /api/v1/attestations: who acknowledged which version of the guideline, and when."""

from __future__ import annotations

from typing import Any

from flask import Response

from lms.access import api_scope
from lms.api.attestation_feed import attestations_page
from lms.api.auth import require_scope, token
from lms.api.blueprint import bp, json_with_etag, next_link
from lms.api.page_schemas import NOT_MODIFIED
from lms.api.record_feed import filters_of
from lms.api.record_schemas import AttestationPageSchema, AttestationQuery
from lms.api.scopes import READ_COMPLETIONS
from lms.dbsession import db_session

_PAGE = AttestationPageSchema()


@bp.get("/attestations")
@bp.arguments(AttestationQuery, location="query", as_kwargs=True)
@bp.response(200, AttestationPageSchema)
@bp.alt_response(304, description=NOT_MODIFIED)
@bp.doc(security=[{"oauth2": [READ_COMPLETIONS]}])
@require_scope(READ_COMPLETIONS)
def attestations(limit: int, **query: Any) -> Response:
    """Guideline acknowledgements (who confirmed which version, when), a page at a time.

    A manager-scoped client sees only its manager's reporting line.
    """
    scope = api_scope(token().client.manager_id)
    after = query.get("cursor", 0)
    rows, more = attestations_page(db_session(), scope, filters_of(query), after, limit)
    link = next_link(rows[-1].id) if more else None
    return json_with_etag(_PAGE.dump({"data": rows, "next": link}))
