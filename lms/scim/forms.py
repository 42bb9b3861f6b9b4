"""HR's forms for SCIM tokens."""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from lms.form_limits import FitsColumn
from lms.scim.models import ScimToken


class TokenForm(FlaskForm):
    """Name a new bearer token, so HR knows which provider uses it."""

    name = StringField(
        _("Name"),
        description=_("Which identity provider it is for, such as “Entra ID production”."),
        validators=[
            DataRequired(_("Give the token a name, such as the identity provider it is for.")),
            FitsColumn(ScimToken.name),
        ],
    )


class RevokeForm(FlaskForm):
    """Only the CSRF token: which token to revoke is in the URL."""
