"""Filters for the report pages (GET forms, so no CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from lms.audit.services import ACTIONS, action_label
from lms.learning.statuses import STATUSES
from lms.messages import N_
from lms.reports.completions import SORTS
from lms.reports.guideline_report import ACKNOWLEDGED, PENDING
from lms.reports.words import STATUS_LABELS

# The completion filters by name, as the sentence for a filter Postwise does not know
# says them ("the course 'nope'").
FIELD_WORDS = {"course": N_("course"), "status": N_("status"), "department": N_("department")}


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    actor = EmailField(_("Done by (email)"), validators=[Optional()])
    action = SelectField(
        _("Action"),
        choices=[SelectChoice("", _("All actions"))]
        + [SelectChoice(a, action_label(a)) for a in ACTIONS],
        validators=[Optional()],
    )
    since = DateField(_("From"), validators=[Optional()])
    until = DateField(_("Until"), validators=[Optional()])
    page = IntegerField(_("Page"), default=1, validators=[Optional()])


class CompletionFilterForm(FlaskForm):
    """The team page's filters, read from the query string; the downloads take the same."""

    class Meta:
        csrf = False

    course = SelectField(_("Course"), validators=[Optional()])
    status = SelectField(
        _("Status"),
        choices=[SelectChoice("", _("All statuses"))]
        + [SelectChoice(status, _(STATUS_LABELS[status].text)) for status in STATUSES],
        validators=[Optional()],
    )
    department = SelectField(_("Department"), validators=[Optional()])
    direct = BooleanField(_("Only my direct reports"))
    inactive = BooleanField(_("Include people who have left"))
    sort = SelectField(
        _("Sort by"),
        choices=[SelectChoice(key, key) for key in SORTS]
        + [SelectChoice(f"-{key}", key) for key in SORTS],
        default="name",
        validators=[Optional()],
    )
    page = IntegerField(_("Page"), default=1, validators=[Optional()])

    def set_choices(self, courses: list[tuple[str, str]], departments: list[str]) -> None:
        """The courses and departments there are to choose from, before validating."""
        self.course.choices = [SelectChoice("", _("All courses"))] + [
            SelectChoice(slug, title) for slug, title in courses
        ]
        self.department.choices = [SelectChoice("", _("All departments"))] + [
            SelectChoice(name, name) for name in departments
        ]


class OrganisationFilterForm(FlaskForm):
    """The organisation page's filters (GET)."""

    class Meta:
        csrf = False

    course = SelectField(_("Course"), validators=[Optional()])
    inactive = BooleanField(_("Include people who have left"))


class GuidelineFilterForm(FlaskForm):
    """The guideline report's filters (GET)."""

    class Meta:
        csrf = False

    status = SelectField(
        _("Acknowledged"),
        choices=[
            SelectChoice("", _("Everyone")),
            SelectChoice(ACKNOWLEDGED, _("Has acknowledged")),
            SelectChoice(PENDING, _("Has not acknowledged")),
        ],
        validators=[Optional()],
    )
    department = SelectField(_("Department"), validators=[Optional()])
    inactive = BooleanField(_("Include people who have left"))
    page = IntegerField(_("Page"), default=1, validators=[Optional()])
