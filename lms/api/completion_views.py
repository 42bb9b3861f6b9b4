"""GET /api/v1/completions: enrollments and their statuses for other systems."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Response, abort, current_app, json, request
from flask_smorest import Blueprint

from lms.access import api_scope
from lms.api import cursor
from lms.api.auth import log_call, rate_key, rate_limit, require_scope, token
from lms.api.completion_feed import FeedFilter, feed_page, manager_in_scope
from lms.api.problems import problem
from lms.api.schemas import CompletionPageSchema, CompletionQuery
from lms.api.scopes import READ_COMPLETIONS
from lms.dbsession import db_session
from lms.extensions import csrf, limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1", description="Enrollments and completions.")
csrf.exempt(bp)
limiter.limit(rate_limit, key_func=rate_key)(bp)
bp.after_request(log_call)
_PAGE = CompletionPageSchema()


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
    after = 0
    if "cursor" in query and (after := cursor.decode(query["cursor"])) is None:
        abort(_bad("cursor", "Not a cursor from this API: use the next link as given."))
    manager_id = None
    if "manager" in query:
        manager_id = manager_in_scope(session, scope, query["manager"])
        if manager_id is None:
            abort(_bad("manager", "Nobody in this client's scope has that address."))
    filters = FeedFilter(
        updated_since=query.get("updated_since"),
        course=query.get("course", ""),
        status=query.get("status", ""),
        department=query.get("department", ""),
        manager_id=manager_id,
    )
    rows, more = feed_page(session, scope, filters, after, limit)
    next_link = _next_link(rows[-1].id) if more else None
    body = _PAGE.dump({"data": rows, "next": next_link})
    response = Response(json.dumps(body), mimetype="application/json")
    response.add_etag()
    return response.make_conditional(request)


def _bad(name: str, message: str) -> Response:
    return problem(422, f"Not valid: {name}. {message}", errors={name: [message]})


def _next_link(last_id: int) -> str:
    args = {k: v for k, v in request.args.items() if k != "cursor"}
    args["cursor"] = cursor.encode(last_id)
    base = current_app.config["BASE_URL"].rstrip("/")
    return f"{base}{request.path}?{urlencode(args)}"
