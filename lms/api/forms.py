"""HR's forms for API clients."""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional

from lms.api.models import ApiClient
from lms.api.scopes import SCOPES
from lms.form_limits import FitsColumn


class ClientForm(FlaskForm):
    """Name a new client, choose what it may do and, if it is a team's tool, whose line."""

    name = StringField(
        _("Name"),
        description=_("Which system uses it, such as “Workday sync” or “Power BI”."),
        validators=[
            DataRequired(_("Give the client a name, such as the system that uses it.")),
            FitsColumn(ApiClient.name),
        ],
    )
    scopes = SelectMultipleField(
        _("Permissions"),
        choices=[SelectChoice(scope, _(label.text)) for scope, label in SCOPES.items()],
        validators=[DataRequired(_("Choose at least one permission."))],
        description=_("What the client may do. Hold Ctrl (or ⌘) to choose several."),
    )
    manager_email = EmailField(
        _("Only this manager's line"),
        validators=[Optional()],
        description=_(
            "A manager's email: the client then sees only the people below them, "
            "direct and indirect. Leave empty for everyone."
        ),
    )


class RevokeForm(FlaskForm):
    """Only the CSRF token: which client to revoke is in the URL."""
