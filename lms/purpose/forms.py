"""Ten points across five purposes: a plain form that works without JavaScript."""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from lms.purpose.profiles import BY_KEY, KEYS, POINTS


def _points(key: str) -> IntegerField:
    name = _(BY_KEY[key].name.text)  # marked in lms.purpose.profiles
    return IntegerField(
        name,
        default=0,
        validators=[
            InputRequired(_("Give “%(purpose)s” a number of points, 0 if none.", purpose=name)),
            NumberRange(0, POINTS, _("Use a whole number from 0 to %(most)d.", most=POINTS)),
        ],
    )


class PurposeForm(FlaskForm):
    business = _points("business")
    community = _points("community")
    learning = _points("learning")
    job_seeking = _points("job_seeking")
    vanity = _points("vanity")

    def split(self) -> dict[str, int]:
        return {key: getattr(self, key).data for key in KEYS}


class PublishForm(FlaskForm):
    """Publish a closed quarter's figures: a button and its CSRF token."""
