"""A person's own choice of language for the interface."""

from __future__ import annotations

from sqlalchemy.orm import Session

from lms.languages import LANGUAGES
from lms.people.models import Employee


class UnknownLanguage(ValueError):
    """Not one of the languages Postwise speaks."""


def set_language(session: Session, employee: Employee, language: str | None) -> None:
    """Keep the person's language; None goes back to what their browser asks for."""
    if language is not None and language not in LANGUAGES:
        raise UnknownLanguage(language)
    employee.language = language
    session.flush()
