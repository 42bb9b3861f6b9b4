"""A draft's lessons: add, edit, move and delete, checked by the pack format's own rules."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session

from lms.authoring.errors import EditConflict, Gone, Invalid, Problem, sentence
from lms.authoring.ordering import move_within, remove_from
from lms.authoring.services import draft, refresh
from lms.authoring.tokens import lesson_token
from lms.courses.markdown import render, unsafe_markup
from lms.courses.models import CourseVersion, Lesson
from lms.courses.packs import (
    LESSON_MINUTES,
    SLUG_LENGTH,
    TITLE_LENGTH,
    missing_text,
    number_problem,
    slug_problem,
    topic_problem,
)
from lms.messages import N_
from lms.textcheck import too_long

log = logging.getLogger(__name__)
MAX_LESSONS = 99  # lesson files are numbered with two digits


@dataclass(frozen=True)
class LessonInput:
    slug: str
    title: str
    topic: str
    minutes: int | None
    body: str


def normalized_body(body: str) -> str:
    """Markdown as a pack file holds it: LF line endings (browsers send CRLF), one final newline."""
    return body.replace("\r\n", "\n").replace("\r", "\n").rstrip() + "\n"


def lesson_problems(
    version: CourseVersion, data: LessonInput, editing: Lesson | None = None
) -> dict[str, list[Problem]]:
    """Field by field, what the importer would refuse in this lesson's file."""
    problems: dict[str, list[Problem]] = {}
    others = {lesson.slug for lesson in version.lessons if lesson is not editing}
    if missing_text(data.slug):
        problems["slug"] = [N_("Give the lesson a short name for its web address.")]
    elif message := too_long(data.slug, SLUG_LENGTH):
        problems["slug"] = [message]
    elif problem := slug_problem(data.slug):
        problems["slug"] = [sentence(problem)]
    elif data.slug in others:
        problems["slug"] = [
            N_("Another lesson of this course is named '%(name)s' already.", name=data.slug)
        ]
    if missing_text(data.title):
        problems["title"] = [N_("This needs some text.")]
    elif message := too_long(data.title, TITLE_LENGTH):
        problems["title"] = [message]
    if problem := topic_problem(data.topic):
        problems["topic"] = [sentence(problem)]
    if problem := number_problem(data.minutes, LESSON_MINUTES):
        problems["minutes"] = [sentence(problem)]
    if missing_text(data.body):
        problems["body"] = [N_("The lesson has no text yet.")]
    else:
        markup = unsafe_markup(normalized_body(data.body))
        if markup:
            problems["body"] = [
                N_(
                    "Line %(line)d: %(problem)s.",
                    line=p.line,
                    problem=p.message.strip().rstrip("."),
                )
                for p in markup
            ]
    return problems


def _find(version: CourseVersion, lesson_slug: str) -> Lesson:
    lesson = next((lesson for lesson in version.lessons if lesson.slug == lesson_slug), None)
    if lesson is None:
        raise Gone(lesson_slug)
    return lesson


def _fill(lesson: Lesson, data: LessonInput) -> None:
    body = normalized_body(data.body)
    lesson.slug = data.slug
    lesson.title = data.title.strip()
    lesson.topic = data.topic
    lesson.minutes = data.minutes  # type: ignore[assignment]  # checked by lesson_problems
    lesson.body_markdown = body
    lesson.body_html = render(body)  # what learners will see, rendered once as on import


def get_lesson(session: Session, slug: str, lesson_slug: str) -> tuple[CourseVersion, Lesson]:
    """The draft and one of its lessons; Gone if it has no lesson of that name."""
    version = draft(session, slug)
    return version, _find(version, lesson_slug)


def add_lesson(session: Session, slug: str, data: LessonInput) -> Lesson:
    """Add a lesson at the end of the draft."""
    version = draft(session, slug, lock=True)
    problems = lesson_problems(version, data)
    if len(version.lessons) >= MAX_LESSONS:
        problems.setdefault("slug", []).append(
            N_("A course has at most %(most)d lessons.", most=MAX_LESSONS)
        )
    if problems:
        raise Invalid(problems)
    lesson = Lesson(position=len(version.lessons) + 1)
    _fill(lesson, data)
    version.lessons.append(lesson)
    refresh(version)
    session.flush()
    log.info("course %s draft: lesson %s added", slug, data.slug)
    return lesson


def update_lesson(
    session: Session, slug: str, lesson_slug: str, data: LessonInput, *, token: str
) -> Lesson:
    """Save a lesson, unless someone else changed or deleted it since `token` was taken.

    Renaming a lesson keeps the questions that link to it linked.
    """
    version = draft(session, slug, lock=True)
    lesson = _find(version, lesson_slug)
    if lesson_token(lesson) != token:
        raise EditConflict(lesson)
    problems = lesson_problems(version, data, lesson)
    if problems:
        raise Invalid(problems)
    if data.slug != lesson.slug:
        for question in version.questions:
            if question.lesson_slug == lesson.slug:
                question.lesson_slug = data.slug
    _fill(lesson, data)
    refresh(version)
    session.flush()
    return lesson


def move_lesson(session: Session, slug: str, lesson_slug: str, offset: int) -> None:
    """Move a lesson up (-1) or down (+1) in the course."""
    version = draft(session, slug, lock=True)
    lesson = _find(version, lesson_slug)
    move_within(session, version.lessons, lesson, offset)
    refresh(version)
    session.flush()


def delete_lesson(session: Session, slug: str, lesson_slug: str, *, token: str) -> None:
    """Delete a lesson no question links to, unless it changed since `token` was taken."""
    version = draft(session, slug, lock=True)
    lesson = _find(version, lesson_slug)
    if lesson_token(lesson) != token:
        raise EditConflict(lesson)
    linked = [q.key for q in version.questions if q.lesson_slug == lesson.slug]
    if linked:
        raise Invalid(
            {
                "lesson": [
                    N_(
                        "These questions link to this lesson: %(questions)s. "
                        "Link them to another lesson or delete them first.",
                        questions=", ".join(linked),
                    )
                ]
            }
        )
    remove_from(session, version.lessons, lesson)
    refresh(version)
    session.flush()
    log.info("course %s draft: lesson %s deleted", slug, lesson_slug)
