"""The pre-check's draft form and HR's settings forms."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from lms.precheck.engine import MAX_LENGTH
from lms.precheck.profile import INDUSTRIES, LIST_KEYS, SETTING_NAMES, CompanyProfile

# Each list setting's label and help on the settings page (labels shared with the audit log).
LIST_LABELS = {
    "employer_names": (
        SETTING_NAMES["employer_names"],
        _("The company's names as people write them. One per line."),
    ),
    "handles": (SETTING_NAMES["handles"], _("For example @exampleco. One per line.")),
    "products": (
        SETTING_NAMES["products"],
        _("Posts promoting these need a clear disclosure. One per line."),
    ),
    "competitors": (
        SETTING_NAMES["competitors"],
        _("Running these down, or comparing without a source. One per line."),
    ),
    "codenames": (
        SETTING_NAMES["codenames"],
        _("Any mention is flagged as confidential. One per line."),
    ),
    "email_domains": (SETTING_NAMES["email_domains"], _("For example example.com. One per line.")),
    "role_mailboxes": (
        SETTING_NAMES["role_mailboxes"],
        _("The part before the @, such as careers or press, at the domains above. One per line."),
    ),
    "disclosure_hashtags": (
        SETTING_NAMES["disclosure_hashtags"],
        _("For example #employee. One per line."),
    ),
    "approved_clients": (
        SETTING_NAMES["approved_clients"],
        _("These may be named together with the work done for them. One per line."),
    ),
}
INDUSTRY_LABELS = {"general": _("General"), "finance": _("Finance"), "health": _("Health")}


def _label(key: str) -> LazyString:
    """A setting's name on the settings page, in the reader's language."""
    return _(SETTING_NAMES[key].text)


class PrecheckForm(FlaskForm):
    text = TextAreaField(
        _("Your draft post"),
        validators=[
            DataRequired(_("Paste or type a draft to check.")),
            Length(
                max=MAX_LENGTH,
                message=_(
                    "A post can be at most %(max)s characters; shorten it and check again.",
                    max=format(MAX_LENGTH, ","),
                ),
            ),
        ],
        description=_(
            "Nothing you type here is stored or sent, unless you choose to save it "
            "to your own practice history."
        ),
    )
    check = SubmitField(_("Check my draft"))
    save = SubmitField(_("Check and save to my practice history"))


class SettingsForm(FlaskForm):
    """Every setting of the company profile; each list one entry per line."""

    employer_names = TextAreaField(_label("employer_names"))
    handles = TextAreaField(_label("handles"))
    ticker = StringField(
        _label("ticker"), description=_("Leave empty if the company is not listed.")
    )
    products = TextAreaField(_label("products"))
    competitors = TextAreaField(_label("competitors"))
    codenames = TextAreaField(_label("codenames"))
    email_domains = TextAreaField(_label("email_domains"))
    role_mailboxes = TextAreaField(_label("role_mailboxes"))
    disclosure_hashtags = TextAreaField(_label("disclosure_hashtags"))
    approved_clients = TextAreaField(_label("approved_clients"))
    phone_region = StringField(
        _label("phone_region"), description=_("Two letters, such as GB, US or DE.")
    )
    industry = SelectField(
        _label("industry"),
        choices=[SelectChoice(name, INDUSTRY_LABELS[name]) for name in INDUSTRIES],
        description=_(
            "Finance makes promised returns a 'do not post'; health does the same for "
            "someone else's health."
        ),
    )
    require_disclaimer = BooleanField(
        _("Ask for “views are my own” when someone gives an opinion about the company")
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for key, (_name, description) in LIST_LABELS.items():
            getattr(self, key).description = description

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
    file = FileField(_("Settings file (YAML)"), validators=[FileRequired(_("Choose a YAML file."))])
