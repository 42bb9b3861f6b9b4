"""What can go wrong while editing a draft; views turn each into a message on the page."""

from __future__ import annotations

from typing import Any

from lms.messages import Message

# What a service says about one field: its own words (a Message, translated by the view) or
# a pack-format rule's English sentence.
Problem = Message | str


class AuthoringError(Exception):
    """Base of the errors below."""


class NoDraft(AuthoringError):
    """The course's newest version is not a draft (never started, or published meanwhile)."""


class Invalid(AuthoringError):
    """The input breaks the pack format's rules; `problems` maps a form field to messages."""

    def __init__(self, problems: dict[str, list[Problem]]) -> None:
        super().__init__("; ".join(str(m) for messages in problems.values() for m in messages))
        self.problems = problems


class EditConflict(AuthoringError):
    """Someone saved the same object since this form was loaded; `current` is what is stored."""

    def __init__(self, current: Any) -> None:
        super().__init__("changed by someone else meanwhile")
        self.current = current


class Gone(AuthoringError):
    """The lesson or question was deleted (or renamed) since this form was loaded."""


class DraftInTheWay(AuthoringError):
    """An upload would replace a different draft, and replacing it was not asked for."""

    def __init__(self, number: int) -> None:
        super().__init__(f"version {number} is a draft with other content")
        self.number = number


def sentence(message: Problem) -> Problem:
    """A rule's message (written for `file:line: …`) as a sentence next to a form field.

    A Message is a sentence already, in the catalogue's words."""
    if isinstance(message, Message):
        return message
    message = message.strip()
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")
