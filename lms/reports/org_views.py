"""HR's organisation-wide reports: the overview with its charts, and the guideline report."""

from __future__ import annotations

import logging

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from lms import clock
from lms.access import hr_required
from lms.assignments.individual import course_choices
from lms.courses.translations import choices_in
from lms.dbsession import db_session
from lms.i18n import current_language
from lms.people.models import Employee
from lms.people.services import departments
from lms.reports import charts
from lms.reports.completions import CompletionFilter
from lms.reports.forms import GuidelineFilterForm, OrganisationFilterForm
from lms.reports.guideline_report import (
    GuidelineFilter,
    csv_header,
    guideline_report,
    guideline_rows,
)
from lms.reports.organisation import NO_DEPARTMENT, overview
from lms.reports.web import CSV, download, with_own_session
from lms.reports.words import STATUS_LABELS, STATUS_WORDS
from lms.spreadsheet import csv_lines

bp = Blueprint("organisation", __name__, url_prefix="/reports")
security_log = logging.getLogger("lms.security")


@bp.context_processor
def _status_labels() -> dict[str, object]:
    """Statuses show by their labels on these pages, never by their codes."""
    return {"status_labels": STATUS_LABELS, "status_words": STATUS_WORDS}


def _valid(field_data: str | None, errors: list[str]) -> str:
    """A filter's value, or nothing when it is not one of the choices."""
    return "" if errors else field_data or ""


@bp.get("/organisation")
@hr_required
def index() -> ResponseReturnValue:
    """Where the organisation stands, as charts with a table beside each."""
    session = db_session()
    form = OrganisationFilterForm(request.args)
    courses = choices_in(session, course_choices(session), current_language())
    form.course.choices = [SelectChoice("", _("All courses"))] + [
        SelectChoice(slug, title) for slug, title in courses
    ]
    form.validate()
    filters = CompletionFilter(
        course=_valid(form.course.data, form.course.errors),
        include_inactive=bool(form.inactive.data),
    )
    picture = overview(session, filters)
    titles = dict(courses)
    no_department = {NO_DEPARTMENT: _("No department")}
    return render_template(
        "reports/organisation.html",
        form=form,
        filters=filters,
        picture=picture,
        titles=titles,
        by_department=charts.stacked(picture.by_department, no_department),
        by_course=charts.stacked(picture.by_course, titles),
        overdue=charts.horizontal(
            [(no_department.get(label, label), n) for label, n in picture.overdue_by_department]
        ),
        weeks=charts.columns([(week.starts, week.completions) for week in picture.weeks]),
    )


def _guideline_filters() -> tuple[GuidelineFilterForm, GuidelineFilter]:
    form = GuidelineFilterForm(request.args)
    form.department.choices = [SelectChoice("", _("All departments"))] + [
        SelectChoice(name, name) for name in departments(db_session(), select(Employee))
    ]
    form.validate()
    return form, GuidelineFilter(
        status=_valid(form.status.data, form.status.errors),
        department=_valid(form.department.data, form.department.errors),
        include_inactive=bool(form.inactive.data),
    )


@bp.get("/guideline")
@hr_required
def guideline() -> ResponseReturnValue:
    """Who has acknowledged the current guideline and who has not, by department."""
    form, filters = _guideline_filters()
    report = guideline_report(db_session(), filters, form.page.data or 1)
    args = {
        "status": filters.status,
        "department": filters.department,
        "inactive": "y" if filters.include_inactive else "",
    }
    return render_template(
        "reports/guideline.html",
        form=form,
        report=report,
        args={key: value for key, value in args.items() if value},
    )


@bp.get("/guideline.csv")
@hr_required
def guideline_csv() -> ResponseReturnValue:
    """The guideline report's people as a CSV file, streamed."""
    _form, filters = _guideline_filters()
    security_log.info("export: guideline report as CSV")
    status = f"-{filters.status.replace(' ', '-')}" if filters.status else ""
    name = f"postwise-guideline{status}-{clock.now():%Y-%m-%d}.csv"
    language = current_language()  # read now: the stream runs after the request
    return download(
        name,
        CSV,
        with_own_session(
            lambda session: csv_lines(
                csv_header(language), guideline_rows(session, filters, language)
            )
        ),
    )
