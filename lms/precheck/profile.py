"""The company profile the pre-check reads: names, products, codenames and the like. Pure.

HR edits it in the browser or loads it from a YAML file with these keys; every list is a
list of strings, `ticker`, `phone_region` and `industry` are single strings, and
`require_disclaimer` (true by default) switches the "views are my own" rule on or off.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import phonenumbers

from lms.courses import yaml_lines
from lms.courses.yaml_lines import Located, YamlProblem
from lms.messages import N_, Message

INDUSTRIES = ("general", "finance", "health")
LIST_KEYS = (
    "employer_names",
    "handles",
    "products",
    "competitors",
    "codenames",
    "email_domains",
    "role_mailboxes",
    "disclosure_hashtags",
    "approved_clients",
)
TEXT_KEYS = ("ticker", "phone_region", "industry")
KEYS = (*LIST_KEYS, *TEXT_KEYS, "require_disclaimer")
MAX_ITEMS, MAX_LENGTH = 200, 100
# Each setting as HR knows it from the settings page, for the form and the audit log.
SETTING_NAMES: dict[str, Message] = {
    "employer_names": N_("Employer names"),
    "handles": N_("Social handles"),
    "products": N_("Product names"),
    "competitors": N_("Competitor names"),
    "codenames": N_("Internal codenames"),
    "email_domains": N_("Employer email domains"),
    "role_mailboxes": N_("Role mailboxes that may be shared"),
    "disclosure_hashtags": N_("Accepted disclosure hashtags"),
    "approved_clients": N_("Clients approved for public reference"),
    "ticker": N_("Stock ticker"),
    "phone_region": N_("Default phone region"),
    "industry": N_("Industry"),
    "require_disclaimer": N_("Ask for \u201cviews are my own\u201d"),
}


@dataclass(frozen=True)
class CompanyProfile:
    employer_names: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    ticker: str = ""
    products: tuple[str, ...] = ()
    competitors: tuple[str, ...] = ()
    codenames: tuple[str, ...] = ()
    email_domains: tuple[str, ...] = ()
    role_mailboxes: tuple[str, ...] = ()
    disclosure_hashtags: tuple[str, ...] = ()
    phone_region: str = "US"
    industry: str = "general"
    approved_clients: tuple[str, ...] = ()
    require_disclaimer: bool = True

    def with_changes(self, **changes: Any) -> CompanyProfile:
        return dataclasses.replace(self, **changes)

    def as_mapping(self) -> dict[str, Any]:
        """The profile as the YAML file writes it (lists as lists)."""
        data = dataclasses.asdict(self)
        return {key: list(v) if isinstance(v, tuple) else v for key, v in data.items()}


DEFAULT_PROFILE = CompanyProfile()


@dataclass(frozen=True)
class ProfileProblem:
    """One problem: where (`file:line: ` or nothing), the setting (or ""), and what is wrong."""

    where: str
    key: str
    message: Message | str  # a str only for the YAML parser's own words

    def __str__(self) -> str:
        return (
            f"{self.where}{self.key}: {self.message}" if self.key else f"{self.where}{self.message}"
        )


class ProfileProblems(ValueError):
    """Every problem with a profile, each saying where (`file:line: key: …` or the field);
    `problems` is the English, `found` the parts a page shows in the reader's language."""

    def __init__(self, found: list[ProfileProblem]) -> None:
        self.found = found
        self.problems = [str(problem) for problem in found]
        super().__init__("\n".join(self.problems))


@dataclass
class _Checked:
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[ProfileProblem] = field(default_factory=list)


def profile_from_mapping(
    data: Mapping[str, Any], *, where: str = "", base: CompanyProfile = DEFAULT_PROFILE
) -> CompanyProfile:
    """A profile from a mapping (a parsed YAML file or a form), on top of `base`.

    Raises ProfileProblems naming every bad key; `where` prefixes each problem (a file
    name), and a YAML mapping's own lines are added when it has them.
    """
    checked = _Checked()

    def problem(key: str, message: Message) -> None:
        line = f"{data.line_of(key)}:" if isinstance(data, Located) else ""
        prefix = f"{where}:{line} " if where else ""
        checked.problems.append(ProfileProblem(prefix, key, message))

    for key, value in data.items():
        if key not in KEYS:
            problem(key, N_("is not a setting (the settings are %(keys)s)", keys=", ".join(KEYS)))
        elif key in LIST_KEYS:
            _check_list(key, value, checked, problem)
        elif key == "require_disclaimer":
            if isinstance(value, bool):
                checked.values[key] = value
            else:
                problem(key, N_("must be true or false"))
        else:
            _check_text(key, value, checked, problem)
    if checked.problems:
        raise ProfileProblems(checked.problems)
    return base.with_changes(**checked.values)


def _check_list(key: str, value: Any, checked: _Checked, problem: Any) -> None:
    items = [] if value is None else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        problem(key, N_("must be a list of words or phrases, for example [Example Co, ExampleCo]"))
        return
    cleaned = tuple(dict.fromkeys(item.strip() for item in items if item.strip()))
    if len(cleaned) > MAX_ITEMS:
        problem(
            key,
            N_(
                "has %(count)s entries; at most %(max)s are allowed",
                count=len(cleaned),
                max=MAX_ITEMS,
            ),
        )
    elif too_long := [item for item in cleaned if len(item) > MAX_LENGTH]:
        problem(
            key,
            N_(
                "'%(start)s…' is longer than %(max)s characters",
                start=too_long[0][:30],
                max=MAX_LENGTH,
            ),
        )
    else:
        checked.values[key] = _normalised(key, cleaned)


def _normalised(key: str, items: tuple[str, ...]) -> tuple[str, ...]:
    """Handles with their @, hashtags with their #, domains and mailboxes in lower case."""
    if key == "handles":
        return tuple(item if item.startswith("@") else f"@{item}" for item in items)
    if key == "disclosure_hashtags":
        return tuple(item if item.startswith("#") else f"#{item}" for item in items)
    if key in ("email_domains", "role_mailboxes"):
        return tuple(item.lower().lstrip("@").rstrip("@") for item in items)
    return items


def _check_text(key: str, value: Any, checked: _Checked, problem: Any) -> None:
    text = "" if value is None else value
    if not isinstance(text, str):
        problem(key, N_("must be a single word or phrase"))
        return
    text = text.strip()
    if key == "industry":
        if text not in INDUSTRIES:
            problem(
                key,
                N_(
                    "'%(value)s' is not one of %(choices)s",
                    value=text,
                    choices=", ".join(INDUSTRIES),
                ),
            )
            return
    elif key == "phone_region":
        text = text.upper()
        if text not in phonenumbers.SUPPORTED_REGIONS:
            problem(
                key,
                N_("'%(value)s' is not a two-letter country code such as GB, US or DE", value=text),
            )
            return
    elif len(text) > MAX_LENGTH:
        problem(key, N_("is longer than %(max)s characters", max=MAX_LENGTH))
        return
    checked.values[key] = text.upper() if key == "ticker" else text


def load_profile(text: str, *, where: str) -> CompanyProfile:
    """A profile from the text of a YAML file; raises ProfileProblems with `file:line`."""
    try:
        data = yaml_lines.load(text)
    except YamlProblem as broken:
        raise ProfileProblems(
            [ProfileProblem(f"{where}:{broken.line}: ", "", str(broken))]
        ) from None
    if data is None:
        return DEFAULT_PROFILE
    if not isinstance(data, Located):
        raise ProfileProblems(
            [
                ProfileProblem(
                    f"{where}:1: ", "", N_("the file must be a mapping of settings to values")
                )
            ]
        )
    return profile_from_mapping(data, where=where)


def dump_profile(profile: CompanyProfile) -> str:
    """The profile as a YAML file that load_profile reads back unchanged."""
    return yaml_lines.dump(profile.as_mapping())


@dataclass(frozen=True)
class SettingChange:
    name: str  # as on the settings page
    before: str  # in words
    after: str


def setting_changes(before: str, after: str) -> list[SettingChange] | None:
    """What differs between two saved profiles (their YAML text), setting by setting in
    words, in the settings page's order; None when either text is not a profile."""
    try:
        old, new = load_profile(before, where="before"), load_profile(after, where="after")
    except ProfileProblems:
        return None
    return [
        SettingChange(
            str(SETTING_NAMES[key]), _in_words(getattr(old, key)), _in_words(getattr(new, key))
        )
        for key in SETTING_NAMES
        if getattr(old, key) != getattr(new, key)
    ]


def _in_words(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ", ".join(value) if value else "none"
    return str(value) or "none"
