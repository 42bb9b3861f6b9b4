"""What higher floors add to people: follow-ups after an import, sections on a person's page.

People sit below assignments, so the import cannot call the assignment sync itself, and the
person page cannot ask for someone's courses; create_app registers both, and people's web
and command-line edges run what is registered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from flask import Flask
from sqlalchemy import Select
from sqlalchemy.orm import Session

from lms.people.models import Employee


class FollowUp(Protocol):
    """Does its work in the import's session and says what it did. `people`, when given, is
    a query of the only employee ids that changed (one person, and those below them)."""

    def __call__(self, session: Session, people: Select[tuple[int]] | None = None) -> str: ...


KEY = "lms.after_people_import"
SECTIONS_KEY = "lms.person_sections"


def register_after_people_import(app: Flask, follow_up: FollowUp) -> None:
    """Run `follow_up` in the same transaction after every successful people import."""
    app.extensions.setdefault(KEY, []).append(follow_up)


def after_people_import(app: Flask) -> list[FollowUp]:
    """The follow-ups registered on this app, in order."""
    return list(app.extensions.get(KEY, []))


def run_after_people_import(
    app: Flask, session: Session, people: Select[tuple[int]] | None = None
) -> list[str]:
    """Run the registered follow-ups in the import's session (the caller commits); `people`
    limits them to those ids when only they changed."""
    return [follow_up(session, people) for follow_up in after_people_import(app)]


@dataclass(frozen=True)
class PersonSection:
    """A part of a person's page drawn by a higher floor: its template and what it shows."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


# Builds a section for the signed-in viewer (None: nothing to show them); `submitted` holds
# forms posted with errors, by name, so they are shown again with their messages.
SectionMaker = Callable[[Session, Employee, Mapping[str, Any]], PersonSection | None]


def register_person_section(app: Flask, maker: SectionMaker) -> None:
    """Add a section to every person's page, after the facts and the direct reports."""
    app.extensions.setdefault(SECTIONS_KEY, []).append(maker)


def person_sections(
    app: Flask, session: Session, employee: Employee, submitted: Mapping[str, Any] | None = None
) -> list[PersonSection]:
    """The sections registered on this app, built for one person."""
    made = (
        make(session, employee, submitted or {}) for make in app.extensions.get(SECTIONS_KEY, [])
    )
    return [section for section in made if section is not None]
