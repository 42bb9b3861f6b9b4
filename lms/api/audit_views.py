"""GET /api/v1/audit-events: HR's audit log, for a SIEM or an auditor's tools."""

from __future__ import annotations

from datetime import datetime

from flask import Response, abort

from lms.access import api_reads_audit
from lms.api.audit_feed import audit_page
from lms.api.audit_schemas import AuditPageSchema, AuditQuery
from lms.api.auth import require_scope, token
from lms.api.blueprint import bp, json_with_etag, next_link
from lms.api.page_schemas import NOT_MODIFIED
from lms.api.problems import problem
from lms.api.scopes import READ_AUDIT
from lms.dbsession import db_session

_PAGE = AuditPageSchema()
_HRS = "The audit log is HR's: a client limited to a manager's line cannot read it."


@bp.get("/audit-events")
@bp.arguments(AuditQuery, location="query", as_kwargs=True)
@bp.response(200, AuditPageSchema)
@bp.alt_response(304, description=NOT_MODIFIED)
@bp.doc(security=[{"oauth2": [READ_AUDIT]}])
@require_scope(READ_AUDIT)
def audit_events(
    limit: int, action: str = "", since: datetime | None = None, cursor: int = 0
) -> Response:
    """Every HR action, oldest first, a page at a time.

    A client limited to a manager's line gets 403: the log covers the whole organisation.
    """
    if not api_reads_audit(token().client.manager_id):
        abort(problem(403, _HRS))
    rows, more = audit_page(db_session(), cursor, limit, action=action, since=since)
    link = next_link(rows[-1].id) if more else None
    return json_with_etag(_PAGE.dump({"data": rows, "next": link}))
