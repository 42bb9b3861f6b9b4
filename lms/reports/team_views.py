"""The completion report on the web: a manager's team (HR: everyone) and its downloads.

The page and both downloads read the same filters from the query string, so a file holds
exactly the rows the page shows.
"""

from __future__ import annotations

import logging
from functools import partial

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms import clock
from lms.access import manager_or_hr_required, report_scope
from lms.assignments.individual import course_choices
from lms.courses.translations import choices_in
from lms.dbsession import db_session
from lms.errors import render_error
from lms.i18n import current_language, translate
from lms.people.models import Employee
from lms.people.org import Scope
from lms.people.services import departments
from lms.reports import completions
from lms.reports.completions import CompletionFilter
from lms.reports.exports import csv_chunks, write_xlsx
from lms.reports.forms import FIELD_WORDS, CompletionFilterForm
from lms.reports.web import CSV, XLSX, download, file_chunks, with_own_session
from lms.reports.words import STATUS_LABELS, STATUS_WORDS

bp = Blueprint("team", __name__, url_prefix="/reports")
security_log = logging.getLogger("lms.security")


@bp.context_processor
def _status_labels() -> dict[str, object]:
    """Statuses show by their labels on these pages, never by their codes."""
    return {"status_labels": STATUS_LABELS, "status_words": STATUS_WORDS}


def _checked(
    form: CompletionFilterForm,
    scope: Scope,
    courses: list[tuple[str, str]],
    departments: list[str],
) -> CompletionFilter:
    """The filters the form asks for, checked against the courses and departments there
    are; a field with a value that is not one of them filters nothing (and shows why)."""
    form.set_choices(courses, departments)
    form.validate()

    def valid(field_value: str | None, errors: list[str]) -> str:
        return "" if errors else field_value or ""

    direct_only, include_inactive = _who(form, scope)
    return CompletionFilter(
        course=valid(form.course.data, form.course.errors),
        status=valid(form.status.data, form.status.errors),
        department=valid(form.department.data, form.department.errors),
        direct_only=direct_only,
        include_inactive=include_inactive,
    )


def _who(form: CompletionFilterForm, scope: Scope) -> tuple[bool, bool]:
    """Direct reports only (a manager's choice), people who have left too (HR's)."""
    return (
        bool(form.direct.data) and not scope.is_everyone,
        bool(form.inactive.data) and scope.is_everyone,
    )


def _query_args(filters: CompletionFilter) -> dict[str, str]:
    """The filters as query parameters, for the download links and the pager."""
    args = {"course": filters.course, "status": filters.status, "department": filters.department}
    if filters.direct_only:
        args["direct"] = "y"
    if filters.include_inactive:
        args["inactive"] = "y"
    return {key: value for key, value in args.items() if value}


@bp.get("/team")
@manager_or_hr_required
def index() -> ResponseReturnValue:
    """Who in the viewer's scope has completed each course, and who has not."""
    session = db_session()
    scope = report_scope(current_user)
    courses = choices_in(session, course_choices(session), current_language())
    form = CompletionFilterForm(request.args)
    direct_only, include_inactive = _who(form, scope)
    counted = completions.summary(
        session, scope, direct_only=direct_only, include_inactive=include_inactive
    )
    filters = _checked(form, scope, courses, counted.departments)
    sort = form.sort.data if not form.sort.errors and form.sort.data else "name"
    page = completions.report_page(
        session, scope, filters, sort, form.page.data or 1, total=counted.total(filters)
    )
    return render_template(
        "reports/team.html",
        form=form,
        scope=scope,
        counts=counted.courses(filters),
        page=page,
        titles=dict(courses),
        args=_query_args(filters),
        sort=sort,
    )


def _unknown_filters(form: CompletionFilterForm) -> str:
    """The filters that are not one of their choices, in words: "the course 'nope'"."""
    unknown = ""
    for field in form:
        if not field.errors:
            continue
        name = translate(FIELD_WORDS.get(field.name, str(field.label.text)))
        one = _("the %(field)s '%(value)s'", field=name, value=field.data)
        unknown = _("%(first)s and %(second)s", first=unknown, second=one) if unknown else one
    return unknown


def _download_or_error(extension: str) -> ResponseReturnValue:
    session = db_session()
    scope = report_scope(current_user)
    form = CompletionFilterForm(request.args)
    in_scope = departments(session, select(Employee).where(scope.covers(Employee.id)))
    filters = _checked(form, scope, course_choices(session), in_scope)
    if form.errors:
        return render_error(
            400,
            _("This download's filters are not right"),
            _(
                "Postwise does not know %(unknown)s. Choose the filters on the report page, "
                "then download again.",
                unknown=_unknown_filters(form),
            ),
        )
    label = "everyone" if scope.is_everyone else f"team of {current_user.employee.name}"
    name = completions.file_name(label, filters, clock.now().date(), extension)
    security_log.info("export: completion report as %s (%s)", extension.upper(), name)
    # The downloading person's language, read now: the stream runs after the request.
    language = current_language()
    layout = completions.layout(language)
    rows = partial(completions.export_rows, scope=scope, filters=filters, language=language)
    if extension == "csv":
        bom = request.args.get("bom") == "1"
        return download(
            name,
            CSV,
            with_own_session(lambda own: csv_chunks(layout, rows(own), bom=bom)),
        )
    return download(
        name,
        XLSX,
        with_own_session(lambda own: file_chunks(lambda out: write_xlsx(out, layout, rows(own)))),
    )


@bp.get("/completions.csv")
@manager_or_hr_required
def completions_csv() -> ResponseReturnValue:
    """The rows the team page's filters select, as CSV (`bom=1` adds a BOM for Excel)."""
    return _download_or_error("csv")


@bp.get("/completions.xlsx")
@manager_or_hr_required
def completions_xlsx() -> ResponseReturnValue:
    """The same rows as an Excel workbook."""
    return _download_or_error("xlsx")
