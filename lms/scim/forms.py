"""HR's forms for SCIM tokens."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class TokenForm(FlaskForm):
    name = StringField(
        "Name",
        description="Which identity provider it is for, such as “Entra ID production”.",
        validators=[
            DataRequired("Give the token a name, such as the identity provider it is for."),
            Length(max=200, message="Keep the name under 200 characters."),
        ],
    )


class RevokeForm(FlaskForm):
    """Only the CSRF token: which token to revoke is in the URL."""
