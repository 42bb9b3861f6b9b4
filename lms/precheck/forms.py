"""The pre-check's draft form and HR's settings forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from lms.precheck.engine import MAX_LENGTH
from lms.precheck.profile import INDUSTRIES, LIST_KEYS, SETTING_NAMES, CompanyProfile

LIST_LABELS = {
    "employer_names": (
        SETTING_NAMES["employer_names"],
        "The company's names as people write them.",
    ),
    "handles": (SETTING_NAMES["handles"], "For example @exampleco."),
    "products": (SETTING_NAMES["products"], "Posts promoting these need a clear disclosure."),
    "competitors": (
        SETTING_NAMES["competitors"],
        "Running these down, or comparing without a source.",
    ),
    "codenames": (SETTING_NAMES["codenames"], "Any mention is flagged as confidential."),
    "email_domains": (SETTING_NAMES["email_domains"], "For example example.com."),
    "role_mailboxes": (
        SETTING_NAMES["role_mailboxes"],
        "The part before the @, such as careers or press, at the domains above.",
    ),
    "disclosure_hashtags": (SETTING_NAMES["disclosure_hashtags"], "For example #employee."),
    "approved_clients": (
        SETTING_NAMES["approved_clients"],
        "These may be named together with the work done for them.",
    ),
}


class PrecheckForm(FlaskForm):
    text = TextAreaField(
        "Your draft post",
        validators=[
            DataRequired("Paste or type a draft to check."),
            Length(
                max=MAX_LENGTH,
                message=f"A post can be at most {MAX_LENGTH:,} characters; shorten it and "
                "check again.",
            ),
        ],
        description="Nothing you type here is stored or sent, unless you choose to save it "
        "to your own practice history.",
    )
    check = SubmitField("Check my draft")
    save = SubmitField("Check and save to my practice history")


class SettingsForm(FlaskForm):
    """Every setting of the company profile; each list one entry per line."""

    employer_names = TextAreaField(LIST_LABELS["employer_names"][0])
    handles = TextAreaField(LIST_LABELS["handles"][0])
    ticker = StringField(
        SETTING_NAMES["ticker"], description="Leave empty if the company is not listed."
    )
    products = TextAreaField(LIST_LABELS["products"][0])
    competitors = TextAreaField(LIST_LABELS["competitors"][0])
    codenames = TextAreaField(LIST_LABELS["codenames"][0])
    email_domains = TextAreaField(LIST_LABELS["email_domains"][0])
    role_mailboxes = TextAreaField(LIST_LABELS["role_mailboxes"][0])
    disclosure_hashtags = TextAreaField(LIST_LABELS["disclosure_hashtags"][0])
    approved_clients = TextAreaField(LIST_LABELS["approved_clients"][0])
    phone_region = StringField(
        SETTING_NAMES["phone_region"], description="Two letters, such as GB, US or DE."
    )
    industry = SelectField(
        SETTING_NAMES["industry"],
        choices=[SelectChoice(name, name.capitalize()) for name in INDUSTRIES],
        description="Finance makes promised returns a 'do not post'; health does the same for "
        "someone else's health.",
    )
    require_disclaimer = BooleanField(
        "Ask for \u201cviews are my own\u201d when someone gives an opinion about the company"
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for key, (_label, description) in LIST_LABELS.items():
            getattr(self, key).description = f"{description} One per line."

    def fill(self, profile: CompanyProfile) -> None:
        for key in LIST_KEYS:
            getattr(self, key).data = "\n".join(getattr(profile, key))
        self.ticker.data = profile.ticker
        self.phone_region.data = profile.phone_region
        self.industry.data = profile.industry
        self.require_disclaimer.data = profile.require_disclaimer

    def mapping(self) -> dict[str, object]:
        """The form's values as the profile's keys expect them."""
        data: dict[str, object] = {
            key: (getattr(self, key).data or "").splitlines() for key in LIST_KEYS
        }
        data |= {
            "ticker": self.ticker.data or "",
            "phone_region": self.phone_region.data or "",
            "industry": self.industry.data,
            "require_disclaimer": bool(self.require_disclaimer.data),
        }
        return data


class SettingsUploadForm(FlaskForm):
    file = FileField("Settings file (YAML)", validators=[FileRequired("Choose a YAML file.")])
