"""A course version's words in other languages: kept, copied into drafts, looked up with a
fallback to the source, and checked against the source they were made from.

A translation remembers the digest of the source words it translates. When HR changes a
lesson or a question in a draft, its translations keep the old digest and so show as out
of date until someone brings them in line; learners still see them meanwhile, since an
older translation reads better than none (HR sees which are behind).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.courses.markdown import render
from lms.courses.models import (
    PUBLISHED,
    Course,
    CourseVersion,
    Lesson,
    LessonTranslation,
    Question,
    QuestionTranslation,
    VersionTranslation,
)
from lms.courses.pack_translations import (
    LANGUAGES,
    ChoiceText,
    LessonText,
    PackTranslation,
    QuestionText,
)
from lms.languages import SOURCE_LANGUAGE


def _digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def lesson_digest(lesson: Lesson) -> str:
    """What a lesson's translation must follow: its title and body."""
    return _digest(lesson.title, lesson.body_markdown)


def question_digest(question: Question) -> str:
    return _digest(
        question.prompt,
        question.post,
        question.explanation,
        [(choice.text, choice.feedback) for choice in question.choices],
    )


def store_translations(
    session: Session, version: CourseVersion, translations: Iterable[PackTranslation]
) -> None:
    """Make `translations` the version's, in place of any it had in those languages."""
    lessons = {lesson.slug: lesson for lesson in version.lessons}
    questions = {question.key: question for question in version.questions}
    for translation in translations:
        language = translation.language
        _drop(version, lessons.values(), questions.values(), language)
        session.flush()  # the old rows go before their replacements meet the unique keys
        version.translations.append(
            VersionTranslation(
                language=language, title=translation.title, summary=translation.summary
            )
        )
        for text in translation.lessons:
            lesson = lessons[text.slug]
            lesson.translations.append(
                LessonTranslation(
                    language=language,
                    title=text.title,
                    body_markdown=text.body,
                    body_html=render(text.body),
                    source_digest=lesson_digest(lesson),
                )
            )
        for words in translation.questions:
            question = questions[words.key]
            question.translations.append(
                QuestionTranslation(
                    language=language,
                    prompt=words.prompt,
                    post=words.post,
                    explanation=words.explanation,
                    choices=[{"text": c.text, "feedback": c.feedback} for c in words.choices],
                    source_digest=question_digest(question),
                )
            )


def _drop(
    version: CourseVersion,
    lessons: Iterable[Lesson],
    questions: Iterable[Question],
    language: str,
) -> None:
    version.translations[:] = [t for t in version.translations if t.language != language]
    for owner in (*lessons, *questions):
        owner.translations[:] = [t for t in owner.translations if t.language != language]


def copy_translations(session: Session, source: CourseVersion, copy: CourseVersion) -> None:
    """A new draft (flushed) keeps its source version's translations, digests and all."""
    titles, lesson_rows, question_rows = _rows(session, source)
    session.add_all(
        VersionTranslation(
            version_id=copy.id, language=t.language, title=t.title, summary=t.summary
        )
        for t in titles
    )
    lesson_ids = _same_ids(source.lessons, copy.lessons, "slug")
    session.add_all(
        LessonTranslation(
            lesson_id=lesson_ids[t.lesson_id],
            language=t.language,
            title=t.title,
            body_markdown=t.body_markdown,
            body_html=t.body_html,
            source_digest=t.source_digest,
        )
        for t in lesson_rows
        if t.lesson_id in lesson_ids
    )
    question_ids = _same_ids(source.questions, copy.questions, "key")
    session.add_all(
        QuestionTranslation(
            question_id=question_ids[t.question_id],
            language=t.language,
            prompt=t.prompt,
            post=t.post,
            explanation=t.explanation,
            choices=list(t.choices),
            source_digest=t.source_digest,
        )
        for t in question_rows
        if t.question_id in question_ids
    )


def _same_ids(
    sources: Iterable[Lesson | Question], copies: Iterable[Lesson | Question], name: str
) -> dict[int, int]:
    """Source id → the copy's id, matched by slug (lessons) or key (questions)."""
    by_name = {getattr(item, name): item.id for item in copies}
    return {
        item.id: by_name[getattr(item, name)] for item in sources if getattr(item, name) in by_name
    }


def pack_translations(session: Session, version: CourseVersion) -> tuple[PackTranslation, ...]:
    """The version's translations as a pack holds them, for `lms courses export`."""
    titles, lesson_rows, question_rows = _rows(session, version)
    slugs = {lesson.id: lesson.slug for lesson in version.lessons}
    keys = {question.id: question.key for question in version.questions}
    translations = []
    for title in titles:
        lessons = tuple(
            LessonText(slugs[row.lesson_id], row.title, row.body_markdown)
            for row in lesson_rows
            if row.language == title.language
        )
        questions = tuple(
            QuestionText(
                keys[row.question_id],
                row.prompt,
                row.explanation,
                row.post,
                tuple(ChoiceText(str(c["text"]), c.get("feedback")) for c in row.choices),
            )
            for row in question_rows
            if row.language == title.language
        )
        done = {lesson.slug for lesson in lessons} | {question.key for question in questions}
        missing = tuple(name for name in (*slugs.values(), *keys.values()) if name not in done)
        translations.append(
            PackTranslation(title.language, title.title, title.summary, lessons, questions, missing)
        )
    return tuple(translations)


# ---------------------------------------------------------------- what a learner reads


@dataclass(frozen=True)
class LessonWords:
    title: str
    body_html: str
    language: str  # the language these words are in: the one asked for, or the source's


@dataclass(frozen=True)
class ChoiceWords:
    text: str
    feedback: str | None


@dataclass(frozen=True)
class QuestionWords:
    prompt: str
    post: str | None
    explanation: str
    choices: dict[int, ChoiceWords]  # by choice id
    language: str


@dataclass(frozen=True)
class VersionWords:
    """A version in one language, with the source's words wherever a translation is missing."""

    language: str  # the one asked for
    title: str
    summary: str
    _lessons: dict[int, LessonTranslation]
    _questions: dict[int, QuestionTranslation]

    @property
    def translated(self) -> bool:
        """Whether any of it is in the language asked for (else the page says so)."""
        return self.language != SOURCE_LANGUAGE and bool(self._lessons or self._questions)

    def lesson(self, lesson: Lesson) -> LessonWords:
        row = self._lessons.get(lesson.id)
        if row is None:
            return LessonWords(lesson.title, lesson.body_html, SOURCE_LANGUAGE)
        return LessonWords(row.title, row.body_html, self.language)

    def question(self, question: Question) -> QuestionWords:
        row = self._questions.get(question.id)
        if row is None or len(row.choices) != len(question.choices):  # a choice added since
            return QuestionWords(
                question.prompt,
                question.post,
                question.explanation,
                {c.id: ChoiceWords(c.text, c.feedback) for c in question.choices},
                SOURCE_LANGUAGE,
            )
        choices = {
            choice.id: ChoiceWords(str(words["text"]), words.get("feedback"))
            for choice, words in zip(question.choices, row.choices, strict=True)
        }
        return QuestionWords(
            row.prompt or question.prompt, row.post, row.explanation, choices, self.language
        )


def version_words(session: Session, version: CourseVersion, language: str) -> VersionWords:
    """The version's words in `language`: three queries whatever its size, none in English."""
    if language == SOURCE_LANGUAGE or language not in LANGUAGES:
        return VersionWords(language, version.title, version.summary, {}, {})
    titles, lessons, questions = _rows(session, version, language)
    return VersionWords(
        language,
        titles[0].title if titles else version.title,
        titles[0].summary if titles else version.summary,
        {row.lesson_id: row for row in lessons},
        {row.question_id: row for row in questions},
    )


def _rows(
    session: Session, version: CourseVersion, language: str | None = None
) -> tuple[list[VersionTranslation], list[LessonTranslation], list[QuestionTranslation]]:
    """The version's translation rows, in one language or all, in three queries."""
    titles = select(VersionTranslation).where(VersionTranslation.version_id == version.id)
    lessons = (
        select(LessonTranslation)
        .join(Lesson, Lesson.id == LessonTranslation.lesson_id)
        .where(Lesson.version_id == version.id)
    )
    questions = (
        select(QuestionTranslation)
        .join(Question, Question.id == QuestionTranslation.question_id)
        .where(Question.version_id == version.id)
    )
    if language is not None:
        titles = titles.where(VersionTranslation.language == language)
        lessons = lessons.where(LessonTranslation.language == language)
        questions = questions.where(QuestionTranslation.language == language)
    return (
        list(session.scalars(titles)),
        list(session.scalars(lessons)),
        list(session.scalars(questions)),
    )


# ---------------------------------------------------------------- what HR sees


@dataclass(frozen=True)
class TranslationStatus:
    language: str
    name: str
    has_title: bool
    translated: int  # lessons and questions in step with their source
    outdated: tuple[str, ...]  # lesson slugs and question keys translated from older words
    missing: tuple[str, ...]  # lesson slugs and question keys with no translation

    @property
    def complete(self) -> bool:
        return self.has_title and not self.outdated and not self.missing


def translation_status(session: Session, version: CourseVersion) -> list[TranslationStatus]:
    """Each language Postwise offers: how much of the version it covers, and what lags."""
    titles, lesson_rows, question_rows = _rows(session, version)
    digests: dict[tuple[str, int, str], str] = {
        **{("lesson", row.lesson_id, row.language): row.source_digest for row in lesson_rows},
        **{("question", row.question_id, row.language): row.source_digest for row in question_rows},
    }
    parts = [
        *(("lesson", lesson.id, lesson.slug, lesson_digest(lesson)) for lesson in version.lessons),
        *(
            ("question", question.id, question.key, question_digest(question))
            for question in version.questions
        ),
    ]
    titled = {row.language for row in titles}
    statuses = []
    for language, name in LANGUAGES.items():
        translated, outdated, missing = 0, [], []
        for kind, ident, key, digest in parts:
            made_from = digests.get((kind, ident, language))
            if made_from is None:
                missing.append(key)
            elif made_from != digest:
                outdated.append(key)
            else:
                translated += 1
        statuses.append(
            TranslationStatus(
                language, name, language in titled, translated, tuple(outdated), tuple(missing)
            )
        )
    return statuses


def languages_of(session: Session, version: CourseVersion) -> list[str]:
    """The languages a learner can read this version in: the source's and its translations'."""
    translated = session.scalars(
        select(VersionTranslation.language)
        .where(VersionTranslation.version_id == version.id)
        .order_by(VersionTranslation.language)
    )
    return [SOURCE_LANGUAGE, *translated]


def translated_versions(
    session: Session, version_ids: Iterable[int], language: str
) -> dict[int, VersionTranslation]:
    """Version id → its title and summary in `language`, for those translated (one query)."""
    ids = list(version_ids)
    if language == SOURCE_LANGUAGE or not ids:
        return {}
    rows = session.scalars(
        select(VersionTranslation).where(
            VersionTranslation.version_id.in_(ids), VersionTranslation.language == language
        )
    )
    return {row.version_id: row for row in rows}


def published_titles(session: Session, language: str) -> dict[str, str]:
    """Course slug → its newest published version's title in `language`, where translated
    (lms.assignments.individual.course_choices gives the source's)."""
    if language == SOURCE_LANGUAGE:
        return {}
    rows = session.execute(
        select(Course.slug, VersionTranslation.title)
        .join(CourseVersion, CourseVersion.course_id == Course.id)
        .outerjoin(
            VersionTranslation,
            (VersionTranslation.version_id == CourseVersion.id)
            & (VersionTranslation.language == language),
        )
        .where(CourseVersion.status == PUBLISHED)
        .order_by(CourseVersion.number)
    )
    newest = {slug: title for slug, title in rows}  # a later version overwrites an earlier
    return {slug: title for slug, title in newest.items() if title is not None}


def choices_in(
    session: Session, choices: Iterable[tuple[str, str]], language: str
) -> list[tuple[str, str]]:
    """(slug, title) choices with each title in `language` where translated, in its order."""
    in_words = published_titles(session, language)
    return sorted(
        ((slug, in_words.get(slug, title)) for slug, title in choices), key=lambda c: c[1]
    )
