"""The assignment rule form: what HR fills in to give a course to an audience."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, SelectField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from lms.assignments.services import RuleSpec

AUDIENCE_CHOICES = [
    SelectChoice("everyone", _("Everyone")),
    SelectChoice("departments", _("One or more departments")),
    SelectChoice("locations", _("One or more locations")),
    SelectChoice("manager", _("A manager's whole reporting line")),
    SelectChoice("people", _("Named people")),
    SelectChoice("groups", _("People in one or more directory groups")),
]
# Which form field the service's reason belongs to, per audience.
_VALUES_FIELD = {"departments": "departments", "locations": "locations", "groups": "groups"}


class RuleForm(FlaskForm):
    # Any slug is passed on: the service says plainly when there is no such course.
    course = SelectField(
        _("Course"), validate_choice=False, validators=[DataRequired(_("Choose a course."))]
    )
    audience = SelectField(
        _("Who gets it"),
        choices=AUDIENCE_CHOICES,
        validators=[DataRequired(_("Choose who gets it."))],
    )
    departments = SelectMultipleField(
        _("Departments"),
        validate_choice=False,
        description=_("For “One or more departments”. Hold Ctrl (or ⌘) to choose several."),
    )
    locations = SelectMultipleField(
        _("Locations"),
        validate_choice=False,
        description=_("For “One or more locations”. Hold Ctrl (or ⌘) to choose several."),
    )
    groups = SelectMultipleField(
        _("Directory groups"),
        validate_choice=False,
        description=_(
            "For “People in one or more directory groups”: the groups your identity "
            "provider sends through SCIM. Hold Ctrl (or ⌘) to choose several."
        ),
    )
    manager = EmailField(
        _("Manager's email"),
        validators=[Optional()],
        description=_(
            "For “A manager's whole reporting line”: everyone below them, direct and indirect."
        ),
    )
    people = TextAreaField(
        _("People's emails"),
        validators=[Optional()],
        description=_("For “Named people”: one email address per line, or separated by commas."),
    )
    due_days = IntegerField(
        _("Due in (days)"),
        validators=[InputRequired(_("Give the number of days people have to complete it."))],
        description=_("Counted from the day it is assigned; for new hires, from their hire date."),
    )
    recertify_months = IntegerField(
        _("Recertify every (months)"),
        validators=[Optional(), NumberRange(1, 120, _("Recertify every 1 to 120 months."))],
        description=_(
            "Leave empty if the course is taken once. Otherwise people take it again "
            "this many months after completing it."
        ),
    )

    def spec(self) -> RuleSpec:
        """The form's values as the service's spec (the service does the real checking)."""
        audience = self.audience.data or ""
        values: list[str] = []
        if audience == "departments":
            values = list(self.departments.data or [])
        elif audience == "locations":
            values = list(self.locations.data or [])
        elif audience == "groups":
            values = list(self.groups.data or [])
        emails = re.split(r"[\s,;]+", self.people.data or "") if audience == "people" else []
        return RuleSpec(
            course_slug=self.course.data or "",
            audience=audience,
            audience_values=tuple(values),
            manager_email=self.manager.data if audience == "manager" else None,
            due_days=self.due_days.data if self.due_days.data is not None else 0,
            recertify_months=self.recertify_months.data,
            people_emails=tuple(e for e in emails if e),
        )

    def fill(self, spec: RuleSpec) -> None:
        """Show a saved rule in the form, for changing it."""
        self.course.data = spec.course_slug
        self.audience.data = spec.audience
        self.departments.data = list(spec.audience_values) if spec.audience == "departments" else []
        self.locations.data = list(spec.audience_values) if spec.audience == "locations" else []
        self.groups.data = list(spec.audience_values) if spec.audience == "groups" else []
        self.manager.data = spec.manager_email or ""
        self.people.data = "\n".join(spec.people_emails)
        self.due_days.data = spec.due_days
        self.recertify_months.data = spec.recertify_months

    def show_reasons(self, reasons: dict[str, str]) -> None:
        """Put the service's reasons next to the fields they are about."""
        for key, message in reasons.items():
            if key == "audience_values":
                key = _VALUES_FIELD.get(self.audience.data or "", "audience")
            target = self._fields.get(key, self.audience)
            target.errors = [*target.errors, message]
