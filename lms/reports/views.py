"""Report pages for HR: the audit log, on screen and as a CSV file."""

from __future__ import annotations

import logging

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from lms import clock
from lms.access import hr_required
from lms.dbsession import db_session
from lms.i18n import current_language
from lms.reports.audit_log import AuditFilter, audit_page, audit_rows, csv_header
from lms.reports.forms import AuditFilterForm
from lms.reports.web import CSV, download, with_own_session
from lms.spreadsheet import csv_lines

bp = Blueprint("reports", __name__, url_prefix="/reports")
security_log = logging.getLogger("lms.security")


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
    language = current_language()  # read now: the stream runs after the request
    return download(
        filename,
        CSV,
        with_own_session(
            lambda session: csv_lines(csv_header(language), audit_rows(session, filters, language))
        ),
    )
