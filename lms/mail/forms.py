"""The email settings form and the outbox filter."""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from lms.mail.models import STATES


class EmailSettingsForm(FlaskForm):
    weekly_digest = BooleanField(
        _("Send me a weekly digest of the overdue people in my team"),
        description=_("Every week, one email listing who in your reporting line is overdue."),
    )


class OutboxFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(
        "Status",
        choices=[SelectChoice("", "All messages")]
        + [SelectChoice(state, state.capitalize()) for state in STATES],
        validators=[Optional()],
    )
    page = IntegerField("Page", default=1, validators=[Optional()])
