"""Forms for signing in, setting a password, importing people and finding them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SearchField,
    SelectField,
    SelectMultipleField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    EqualTo,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

MAX_ID = 2**31 - 1  # the largest id either database stores


def _ids_in_range(_form: FlaskForm, field: SelectMultipleField) -> None:
    if any(not 0 < value <= MAX_ID for value in field.data or ()):
        raise ValidationError(_("One of the people ticked does not exist; tick them again."))


class SignInForm(FlaskForm):
    email = EmailField(_("Email"), validators=[DataRequired(_("Enter your work email address."))])
    password = PasswordField(_("Password"), validators=[DataRequired(_("Enter your password."))])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_("Email"), validators=[DataRequired(_("Enter your work email address."))])


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        _("New password"),
        validators=[DataRequired(_("Choose a password."))],
        description=_("At least 12 characters. A few unrelated words make a strong password."),
    )
    confirm = PasswordField(
        _("Type it again"),
        validators=[
            DataRequired(_("Type the password a second time.")),
            EqualTo("password", _("The two passwords are not the same.")),
        ],
    )


class ImportPeopleForm(FlaskForm):
    file = FileField(
        _("HRIS export (CSV)"),
        validators=[FileRequired(_("Choose the CSV file exported from your HRIS."))],
        description=_(
            "Columns: employee_id, email, first_name, last_name, and optionally "
            "department, title, location, manager_id, hire_date (YYYY-MM-DD), status."
        ),
    )
    deactivate_missing = BooleanField(
        _("Deactivate people who are not in this file"),
        description=_("Use this with a complete export, so leavers can no longer sign in."),
    )


class ConfirmImportForm(FlaskForm):
    """Confirms one previewed import, named by the key its file is kept under."""

    key = HiddenField(validators=[DataRequired(), Length(max=64), Regexp(r"^[A-Za-z0-9_-]+$")])
    deactivations = IntegerField(
        _("Type the number of people this import deactivates"),
        validators=[Optional()],
        description=_("A check that this many people really are leaving."),
    )


class PeopleFilterForm(FlaskForm):
    """Read from the query string; a GET form needs no CSRF token."""

    class Meta:
        csrf = False

    q = SearchField(
        _("Search"), validators=[Optional()], description=_("Name, email or employee id")
    )
    department = SelectField(_("Department"), validate_choice=False)
    page = IntegerField(_("Page"), default=1, validators=[Optional()])


class InviteManyForm(FlaskForm):
    """Invite the people ticked on the list, or everyone who has no password yet."""

    person = SelectMultipleField(
        _("People to invite"), coerce=int, validate_choice=False, validators=[_ids_in_range]
    )
    scope = HiddenField(validators=[Optional(), AnyOf(["ticked", "everyone"])])


class InviteLinksFileForm(FlaskForm):
    """The signed note of a batch of invite links, to write the same links as a CSV file."""

    batch = HiddenField(validators=[DataRequired(), Length(max=400_000)])
