"""Translations kept with a course version: stored on import, carried into drafts, read with
the source's words where one is missing, and shown to HR as behind once the source moves."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms import PROJECT_ROOT
from lms.authoring.lessons import LessonInput, lesson_token, update_lesson
from lms.authoring.services import start_draft
from lms.courses.models import LessonTranslation, QuestionTranslation, VersionTranslation
from lms.courses.pack_translations import read_translations
from lms.courses.author_notes import without_author_notes
from lms.courses.packs import read_pack
from lms.courses.services import import_pack
from lms.courses.translations import translation_status, version_words

GUIDELINE = PROJECT_ROOT / "courses" / "social-media-guideline"


@pytest.fixture
def imported(db):
    pack = without_author_notes(read_pack(GUIDELINE))
    result = import_pack(db, pack, publish=False, translations=read_translations(GUIDELINE, pack))
    db.commit()
    return result.version


def _count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def test_import_stores_every_language_and_a_second_import_replaces_not_adds(db, imported):
    assert _count(db, VersionTranslation) == 3
    assert _count(db, LessonTranslation) == 3 * len(imported.lessons)
    assert _count(db, QuestionTranslation) == 3 * len(imported.questions)
    pack = without_author_notes(read_pack(GUIDELINE))
    again = import_pack(db, pack, publish=False, translations=read_translations(GUIDELINE, pack))
    db.commit()
    assert again.created is False and again.version.id == imported.id
    assert _count(db, LessonTranslation) == 3 * len(imported.lessons)


def test_a_learner_reads_their_language_and_the_source_where_it_is_missing(db, imported):
    first, second = imported.lessons[:2]
    german = version_words(db, imported, "de")
    assert german.title != imported.title and german.lesson(first).language == "de"
    assert german.lesson(first).title != first.title
    question = imported.questions[0]
    assert german.question(question).explanation != question.explanation
    assert len(german.question(question).choices) == len(question.choices)
    assert not german.falls_back

    db.execute(
        LessonTranslation.__table__.delete().where(
            LessonTranslation.lesson_id == second.id, LessonTranslation.language == "de"
        )
    )
    german = version_words(db, imported, "de")
    assert german.lesson(second).language == "en" and german.lesson(second).title == second.title
    assert german.falls_back

    english = version_words(db, imported, "en")
    assert english.lesson(first).title == first.title and not english.falls_back


def test_a_draft_keeps_the_translations_and_an_edited_lesson_shows_as_behind(db, imported):
    import_pack(db, without_author_notes(read_pack(GUIDELINE)), publish=True)  # the same words: publishes it
    db.commit()
    draft, made = start_draft(db, imported.course.slug)
    db.commit()
    assert made and draft.id != imported.id
    assert all(status.complete for status in translation_status(db, draft))

    lesson = draft.lessons[0]
    update_lesson(
        db,
        imported.course.slug,
        lesson.slug,
        LessonInput(lesson.slug, lesson.title, lesson.topic, lesson.minutes, "New words.\n"),
        token=lesson_token(lesson),
    )
    db.commit()
    german = next(s for s in translation_status(db, draft) if s.language == "de")
    assert german.outdated == (lesson.slug,) and german.missing == () and not german.complete
    assert version_words(db, draft, "de").lesson(lesson).language == "de"  # older, still shown
