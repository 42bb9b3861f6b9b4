"""Forms on a person's page for HR: assign, withdraw, exempt, record a completion.

Each has its own prefix, so the four can share one page without clashing ids.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired

from lms.form_limits import FitsColumn
from lms.learning.models import Enrollment

REASON_HELP = _(
    "Kept with the record and in the audit log, for example "
    "“Attended the classroom session on 12 May”."
)
NEEDS_REASON = _("Give the reason: it is kept with the record.")


class _CourseForm(FlaskForm):
    # Any slug is passed on: the service says plainly when it cannot be used.
    course = SelectField(
        _("Course"), validate_choice=False, validators=[DataRequired(_("Choose a course."))]
    )


class AssignCourseForm(_CourseForm):
    due_on = DateField(_("Due on"), validators=[InputRequired(_("Choose the due date."))])


class WithdrawCourseForm(_CourseForm):
    pass


class ExemptForm(_CourseForm):
    reason = TextAreaField(
        _("Reason"),
        validators=[
            DataRequired(NEEDS_REASON),
            FitsColumn(Enrollment.reason),
        ],
        description=REASON_HELP,
    )


class RecordCompletionForm(_CourseForm):
    completed_on = DateField(
        _("Completed on"), validators=[InputRequired(_("Give the date it was completed."))]
    )
    reason = TextAreaField(
        _("Reason"),
        validators=[
            DataRequired(NEEDS_REASON),
            FitsColumn(Enrollment.reason),
        ],
        description=REASON_HELP,
    )


# prefix → form class: the prefix names the form in the page and in the URL.
PERSON_FORMS: dict[str, type[_CourseForm]] = {
    "assign": AssignCourseForm,
    "withdraw": WithdrawCourseForm,
    "exempt": ExemptForm,
    "record": RecordCompletionForm,
}
