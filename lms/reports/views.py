"""Report pages for HR: the audit log, on screen and as a CSV file."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator

from flask import Blueprint, Response, render_template, request, stream_with_context
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from lms import clock
from lms.access import hr_required
from lms.dbsession import database, db_session
from lms.reports.audit_log import CSV_HEADER, AuditFilter, audit_page, audit_rows
from lms.reports.forms import AuditFilterForm
from lms.reports.spreadsheet import csv_lines

bp = Blueprint("reports", __name__, url_prefix="/reports")
security_log = logging.getLogger("lms.security")


def _streamed_csv(
    header: list[str], rows_from: Callable[[Session], Iterable[Iterable[object]]]
) -> Iterator[str]:
    """CSV lines read through a session of the stream's own.

    The request's session is closed when the view returns, before the body is streamed, so a
    stream that used it would open a connection that nobody closes.
    """
    session = database().sessions()
    try:
        yield from csv_lines(header, rows_from(session))
    finally:
        session.close()


def _filters(form: AuditFilterForm) -> AuditFilter:
    return AuditFilter(
        actor_email=form.actor.data or "",
        action=form.action.data or "",
        since=form.since.data,
        until=form.until.data,
    )


@bp.get("/audit")
@hr_required
def audit() -> ResponseReturnValue:
    """Browse what HR did, newest first, filtered by who, what and when."""
    form = AuditFilterForm(request.args)
    form.validate()
    page = audit_page(db_session(), _filters(form), form.page.data or 1)
    return render_template("reports/audit.html", form=form, page=page)


@bp.get("/audit.csv")
@hr_required
def audit_csv() -> ResponseReturnValue:
    """The filtered audit log as a CSV file, streamed row by row."""
    form = AuditFilterForm(request.args)
    form.validate()
    filters = _filters(form)
    security_log.info("export: audit log as CSV")
    filename = f"postwise-audit-log-{clock.now():%Y-%m-%d}.csv"
    return Response(
        stream_with_context(
            _streamed_csv(CSV_HEADER, lambda session: audit_rows(session, filters))
        ),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
