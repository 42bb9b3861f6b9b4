"""Messages from Jinja templates: `mail/KIND.txt` (subject block and plain text) and
`mail/KIND.html`, rendered outside any request, so the CLI and the web draw them alike."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from lms.clock import long_date

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "mail"

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),  # the plain-text part is never HTML-escaped
    undefined=StrictUndefined,  # a missing value is a bug, not an empty gap in an email
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_environment.filters["long_date"] = long_date


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(kind: str, **context: Any) -> Rendered:
    """Subject, plain text and HTML of one message of this kind."""
    text_template = _environment.get_template(f"{kind}.txt")
    subject_block = text_template.blocks["subject"](text_template.new_context(context))
    subject = " ".join("".join(subject_block).split())
    return Rendered(
        subject=subject,
        text=text_template.render(context),
        html=_environment.get_template(f"{kind}.html").render(context, subject=subject),
    )
