"""Messages from Jinja templates: `mail/KIND.txt` (subject block and plain text) and
`mail/KIND.html`, rendered outside any request, so the CLI and the web draw them alike.

A message is written in its recipient's language, not the sender's: `recipient_language`
picks it, and each language has an Environment of its own (words and date forms).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from lms import catalogues
from lms.languages import LANGUAGES

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "mail"


def recipient_language(chosen: str | None, default: str) -> str:
    """The language a person reads their email in: their own choice, else the directory's
    (Employee.reading_language), else the company's."""
    return chosen if chosen in LANGUAGES else default


@cache
def _environment(language: str) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),  # the plain-text part is never HTML-escaped
        undefined=StrictUndefined,  # a missing value is a bug, not an empty gap in an email
        trim_blocks=True,  # babel.cfg extracts the mail templates with these options too
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    environment.install_gettext_translations(  # type: ignore[attr-defined]
        catalogues.translations(language), newstyle=True
    )
    environment.filters["long_date"] = lambda moment: catalogues.long_date(moment, language)
    environment.globals["language"] = language
    return environment


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(kind: str, language: str, **context: Any) -> Rendered:
    """Subject, plain text and HTML of one message of this kind, in `language`."""
    environment = _environment(language)
    text_template = environment.get_template(f"{kind}.txt")
    subject_block = text_template.blocks["subject"](text_template.new_context(context))
    subject = " ".join("".join(subject_block).split())
    return Rendered(
        subject=subject,
        text=text_template.render(context),
        html=environment.get_template(f"{kind}.html").render(context, subject=subject),
    )
