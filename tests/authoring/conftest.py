"""Fixtures for authoring: a small course built the way HR builds it, through the services."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from lms.authoring import lessons, questions, services
from lms.courses.models import CourseVersion
from lms.courses.packs import ChoiceSource, QuestionSource

SLUG = "posting-well"


def lesson_input(slug: str, title: str, body: str = "Some text.\n") -> lessons.LessonInput:
    return lessons.LessonInput(slug=slug, title=title, topic="pitfalls", minutes=5, body=body)


def single(key: str, lesson: str | None = None, **overrides: object) -> QuestionSource:
    values = {
        "key": key,
        "kind": "single",
        "prompt": f"Question {key}?",
        "choices": (ChoiceSource("Right", True, "Yes."), ChoiceSource("Wrong", False, "No.")),
        "explanation": "Because.",
        "lesson": lesson,
    }
    values.update(overrides)
    return QuestionSource(**values)


@pytest.fixture
def draft_course(db: Session, org) -> CourseVersion:
    """Version 1 draft of a course with two lessons and three questions, committed."""
    services.create_course(
        db,
        services.NewCourse(SLUG, "Posting well", "course", "How to post well.", 20),
        actor_id=org["hr"].id,
    )
    lessons.add_lesson(db, SLUG, lesson_input("first", "First lesson", "# Hello\n\nWorld.\n"))
    lessons.add_lesson(db, SLUG, lesson_input("second", "Second lesson"))
    for key in ("q-one", "q-two", "q-three"):
        questions.add_question(db, SLUG, single(key, lesson="first"))
    db.commit()
    return services.draft(db, SLUG)
