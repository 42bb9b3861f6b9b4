"""GET /api/v1/completions: enrollments and their statuses for other systems."""

from __future__ import annotations

from typing import Any

from flask import Response

from lms.access import api_scope
from lms.api.auth import require_scope, token
from lms.api.blueprint import bp, json_with_etag, next_link
from lms.api.completion_feed import FeedFilter, feed_page, manager_in_scope
from lms.api.schemas import CompletionPageSchema, CompletionQuery
from lms.api.scopes import READ_COMPLETIONS
from lms.dbsession import db_session


@bp.get("/completions")
@bp.arguments(CompletionQuery, location="query", as_kwargs=True)
@bp.response(200, CompletionPageSchema)
@bp.alt_response(304, description="Not modified (If-None-Match matched the ETag)")
@bp.doc(security=[{"oauth2": [READ_COMPLETIONS]}])
@require_scope(READ_COMPLETIONS)
def completions(limit: int, **query: Any) -> Response:
    """Enrollments with their status, in a stable order, a page at a time.

    A manager-scoped client sees only its manager's reporting line.
    """
    session = db_session()
    scope = api_scope(token().client.manager_id)
    after = query.get("cursor", 0)
    manager_id = None
    if "manager" in query:
        # Like a course nobody takes: someone outside the scope (or nobody) has no line here.
        manager_id = manager_in_scope(session, scope, query["manager"])
        if manager_id is None:
            return json_with_etag({"data": [], "next": None})
    filters = FeedFilter(
        updated_since=query.get("updated_since"),
        course=query.get("course", ""),
        status=query.get("status", ""),
        department=query.get("department", ""),
        manager_id=manager_id,
    )
    rows, more = feed_page(session, scope, filters, after, limit)
    link = next_link(rows[-1].id) if more else None
    return json_with_etag({"data": [row.as_json() for row in rows], "next": link})
