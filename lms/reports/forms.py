"""Filters for the report pages (GET forms, so no CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from lms.audit.services import ACTIONS


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    actor = EmailField("Done by (email)", validators=[Optional()])
    action = SelectField(
        "Action",
        choices=[SelectChoice("", "All actions")] + [SelectChoice(a, a) for a in ACTIONS],
        validators=[Optional()],
    )
    since = DateField("From", validators=[Optional()])
    until = DateField("Until", validators=[Optional()])
    page = IntegerField("Page", default=1, validators=[Optional()])
