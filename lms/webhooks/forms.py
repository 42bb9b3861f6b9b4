"""HR's forms for webhook subscriptions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired
from wtforms.widgets import CheckboxInput, ListWidget

from lms.events import KINDS
from lms.form_limits import FitsColumn
from lms.webhooks.models import WebhookSubscription

EVENT_LABELS = {
    "enrollment.completed": _("A course is completed"),
    "attestation.recorded": _("Someone acknowledges the guideline"),
    "certificate.issued": _("A certificate is issued"),
    "person.deactivated": _("A person leaves (is deactivated)"),
}


class SubscriptionForm(FlaskForm):
    """The receiver's URL and the events it wants."""

    url = URLField(
        _("Receiver URL"),
        description=_(
            "Where Postwise posts each event, such as https://hris.example.com/hooks/postwise."
        ),
        validators=[
            DataRequired(_("Give the URL of the system that receives the events.")),
            FitsColumn(WebhookSubscription.url),
        ],
    )
    events = SelectMultipleField(
        _("Events"),
        choices=[
            SelectChoice(kind, _("%(event)s (%(kind)s)", event=EVENT_LABELS[kind], kind=kind))
            for kind in KINDS
        ],
        default=list(KINDS),
        validators=[DataRequired(_("Choose at least one event to send."))],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
