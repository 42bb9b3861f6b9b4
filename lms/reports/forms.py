"""Filters for the report pages (GET forms, so no CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from lms.audit.services import ACTIONS, action_label
from lms.learning.statuses import STATUSES
from lms.reports.completions import SORTS
from lms.reports.guideline_report import ACKNOWLEDGED, PENDING


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    actor = EmailField("Done by (email)", validators=[Optional()])
    action = SelectField(
        "Action",
        choices=[SelectChoice("", "All actions")]
        + [SelectChoice(a, action_label(a)) for a in ACTIONS],
        validators=[Optional()],
    )
    since = DateField("From", validators=[Optional()])
    until = DateField("Until", validators=[Optional()])
    page = IntegerField("Page", default=1, validators=[Optional()])


class CompletionFilterForm(FlaskForm):
    """The team page's filters, read from the query string; the downloads take the same."""

    class Meta:
        csrf = False

    course = SelectField("Course", validators=[Optional()])
    status = SelectField(
        "Status",
        choices=[SelectChoice("", "All statuses")]
        + [SelectChoice(status, status.capitalize()) for status in STATUSES],
        validators=[Optional()],
    )
    department = SelectField("Department", validators=[Optional()])
    direct = BooleanField("Only my direct reports")
    inactive = BooleanField("Include people who have left")
    sort = SelectField(
        "Sort by",
        choices=[SelectChoice(key, key) for key in SORTS]
        + [SelectChoice(f"-{key}", key) for key in SORTS],
        default="name",
        validators=[Optional()],
    )
    page = IntegerField("Page", default=1, validators=[Optional()])

    def set_choices(self, courses: list[tuple[str, str]], departments: list[str]) -> None:
        """The courses and departments there are to choose from, before validating."""
        self.course.choices = [SelectChoice("", "All courses")] + [
            SelectChoice(slug, title) for slug, title in courses
        ]
        self.department.choices = [SelectChoice("", "All departments")] + [
            SelectChoice(name, name) for name in departments
        ]


class OrganisationFilterForm(FlaskForm):
    """The organisation page's filters (GET)."""

    class Meta:
        csrf = False

    course = SelectField("Course", validators=[Optional()])
    inactive = BooleanField("Include people who have left")


class GuidelineFilterForm(FlaskForm):
    """The guideline report's filters (GET)."""

    class Meta:
        csrf = False

    status = SelectField(
        "Acknowledged",
        choices=[
            SelectChoice("", "Everyone"),
            SelectChoice(ACKNOWLEDGED, "Has acknowledged"),
            SelectChoice(PENDING, "Has not acknowledged"),
        ],
        validators=[Optional()],
    )
    department = SelectField("Department", validators=[Optional()])
    inactive = BooleanField("Include people who have left")
    page = IntegerField("Page", default=1, validators=[Optional()])
