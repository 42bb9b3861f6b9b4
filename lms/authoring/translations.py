"""A draft's translations, edited side by side with their source: a lesson's title and body,
the course's title and summary. Saving a lesson's translation marks it as made from the
source's present words, so it no longer shows as behind."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session

from lms.authoring.errors import Gone, Invalid, sentence
from lms.authoring.lessons import normalized_body
from lms.authoring.services import draft
from lms.courses.markdown import render, unsafe_markup
from lms.courses.models import (
    CourseVersion,
    Lesson,
    LessonTranslation,
    Question,
    QuestionTranslation,
    VersionTranslation,
)
from lms.courses.pack_translations import LANGUAGES
from lms.courses.packs import TITLE_LENGTH, missing_text
from lms.courses.translations import lesson_digest, question_digest
from lms.messages import N_, Message
from lms.textcheck import too_long

Problem = Message | str

log = logging.getLogger(__name__)


class UnknownLanguage(LookupError):
    """Not a language a course can be translated into (lms.courses.pack_translations)."""


@dataclass(frozen=True)
class LessonTranslationInput:
    title: str
    body: str


def _language(language: str) -> str:
    if language not in LANGUAGES:
        raise UnknownLanguage(language)
    return language


def _lesson(version: CourseVersion, lesson_slug: str) -> Lesson:
    lesson = next((item for item in version.lessons if item.slug == lesson_slug), None)
    if lesson is None:
        raise Gone(lesson_slug)
    return lesson


def lesson_translation(
    session: Session, slug: str, language: str, lesson_slug: str
) -> tuple[CourseVersion, Lesson, LessonTranslation | None]:
    """The draft, one of its lessons and that lesson's translation (None: not made yet)."""
    _language(language)
    version = draft(session, slug)
    lesson = _lesson(version, lesson_slug)
    found = next((t for t in lesson.translations if t.language == language), None)
    return version, lesson, found


def translation_problems(data: LessonTranslationInput) -> dict[str, list[Problem]]:
    """What the importer would refuse in the translated lesson's file, field by field."""
    problems: dict[str, list[Problem]] = {}
    if missing_text(data.title):
        problems["title"] = [N_("This needs some text.")]
    elif message := too_long(data.title, TITLE_LENGTH):
        problems["title"] = [message]
    if missing_text(data.body):
        problems["body"] = [N_("The translation has no text yet.")]
    elif markup := unsafe_markup(normalized_body(data.body)):
        problems["body"] = [sentence(f"line {p.line}: {p.message}") for p in markup]
    return problems


def save_lesson_translation(
    session: Session, slug: str, language: str, lesson_slug: str, data: LessonTranslationInput
) -> LessonTranslation:
    """Keep the lesson's translation, as made from the source's words as they are now."""
    _language(language)
    version = draft(session, slug, lock=True)
    lesson = _lesson(version, lesson_slug)
    if problems := translation_problems(data):
        raise Invalid(problems)
    translation = next((t for t in lesson.translations if t.language == language), None)
    if translation is None:
        translation = LessonTranslation(language=language)
        lesson.translations.append(translation)
    body = normalized_body(data.body)
    translation.title = data.title.strip()
    translation.body_markdown = body
    translation.body_html = render(body)
    translation.source_digest = lesson_digest(lesson)
    session.flush()
    log.info("course %s draft: lesson %s translated into %s", slug, lesson_slug, language)
    return translation


def save_course_translation(
    session: Session, slug: str, language: str, title: str, summary: str
) -> VersionTranslation:
    """The draft's title and summary in `language`."""
    _language(language)
    version = draft(session, slug, lock=True)
    problems: dict[str, list[Problem]] = {}
    if missing_text(title):
        problems["title"] = [N_("This needs some text.")]
    elif message := too_long(title, TITLE_LENGTH):
        problems["title"] = [message]
    if missing_text(summary):
        problems["summary"] = [N_("This needs some text.")]
    if problems:
        raise Invalid(problems)
    found = next((t for t in version.translations if t.language == language), None)
    if found is None:
        found = VersionTranslation(language=language)
        version.translations.append(found)
    found.title, found.summary = title.strip(), summary.strip()
    session.flush()
    return found


@dataclass(frozen=True)
class QuestionTranslationInput:
    prompt: str
    post: str | None  # None when the source question has no post
    explanation: str
    choices: tuple[tuple[str, str], ...]  # each choice's text and feedback ("": none)


def question_translation(
    session: Session, slug: str, language: str, key: str
) -> tuple[CourseVersion, Question, QuestionTranslation | None]:
    """The draft, one of its questions and that question's translation (None: not made yet)."""
    _language(language)
    version = draft(session, slug)
    question = next((item for item in version.questions if item.key == key), None)
    if question is None:
        raise Gone(key)
    found = next((t for t in question.translations if t.language == language), None)
    return version, question, found


def question_problems(
    question: Question, data: QuestionTranslationInput
) -> dict[str, list[Problem]]:
    """Field by field: every text the source has needs its translation."""
    needed = {"prompt": data.prompt, "explanation": data.explanation}
    if question.post is not None:
        needed["post"] = data.post or ""
    for index, (choice, (text, feedback)) in enumerate(
        zip(question.choices, data.choices, strict=True)
    ):
        needed[f"choice_{index}_text"] = text
        if choice.feedback:
            needed[f"choice_{index}_feedback"] = feedback
    return {
        name: [N_("This needs some text.")] for name, text in needed.items() if missing_text(text)
    }


def save_question_translation(
    session: Session, slug: str, language: str, key: str, data: QuestionTranslationInput
) -> QuestionTranslation:
    """Keep the question's translation, as made from the source's words as they are now."""
    _language(language)
    version = draft(session, slug, lock=True)
    question = next((item for item in version.questions if item.key == key), None)
    if question is None:
        raise Gone(key)
    if len(data.choices) != len(question.choices):
        raise Gone(key)  # a choice added or removed since the form was opened
    if problems := question_problems(question, data):
        raise Invalid(problems)
    translation = next((t for t in question.translations if t.language == language), None)
    if translation is None:
        translation = QuestionTranslation(language=language)
        question.translations.append(translation)
    translation.prompt = data.prompt.strip()
    translation.post = data.post.strip() if question.post is not None and data.post else None
    translation.explanation = data.explanation.strip()
    translation.choices = [
        {"text": text.strip(), "feedback": feedback.strip() or None}
        for text, feedback in data.choices
    ]
    translation.source_digest = question_digest(question)
    session.flush()
    log.info("course %s draft: question %s translated into %s", slug, key, language)
    return translation
