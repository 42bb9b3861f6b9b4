"""Words a service shows a person, kept in English until the caller knows whose language.

Services never import Flask, so they cannot translate; they return or raise a Message:
the English text (a catalogue msgid, which `N_` marks for `pybabel extract`) and its
values. A view translates it with `lms.i18n.translate`; `str()` gives the English, for
logs, the CLI and the API.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Message:
    text: str
    values: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.text % self.values if self.values else self.text


def N_(text: str, **values: object) -> Message:  # the name gettext tools look for
    """Mark `text` for translation later, with the values its %(name)s placeholders take."""
    return Message(text, values)
