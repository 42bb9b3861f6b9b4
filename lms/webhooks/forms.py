"""HR's forms for webhook subscriptions."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired
from wtforms.widgets import CheckboxInput, ListWidget

from lms.events import KINDS
from lms.form_limits import FitsColumn
from lms.webhooks.models import WebhookSubscription

EVENT_LABELS = {
    "enrollment.completed": "A course is completed",
    "attestation.recorded": "Someone acknowledges the guideline",
    "certificate.issued": "A certificate is issued",
    "person.deactivated": "A person leaves (is deactivated)",
}


class SubscriptionForm(FlaskForm):
    """The receiver's URL and the events it wants."""

    url = URLField(
        "Receiver URL",
        description="Where Postwise posts each event, such as "
        "https://hris.example.com/hooks/postwise.",
        validators=[
            DataRequired("Give the URL of the system that receives the events."),
            FitsColumn(WebhookSubscription.url),
        ],
    )
    events = SelectMultipleField(
        "Events",
        choices=[SelectChoice(kind, f"{EVENT_LABELS[kind]} ({kind})") for kind in KINDS],
        default=list(KINDS),
        validators=[DataRequired("Choose at least one event to send.")],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
