"""Translations kept with a course version: stored on import, carried into drafts, read with
the source's words where one is missing, and shown to HR as behind once the source moves."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms import PROJECT_ROOT
from lms.authoring.errors import Invalid
from lms.authoring.lessons import LessonInput, lesson_token, update_lesson
from lms.authoring.services import start_draft
from lms.authoring.translations import LessonTranslationInput, save_lesson_translation
from lms.courses.author_notes import translations_without_notes, without_author_notes
from lms.courses.models import LessonTranslation, QuestionTranslation, VersionTranslation
from lms.courses.pack_translations import read_translations
from lms.courses.packs import PackError, read_pack
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
    assert german.translated

    db.execute(
        LessonTranslation.__table__.delete().where(
            LessonTranslation.lesson_id == second.id, LessonTranslation.language == "de"
        )
    )
    german = version_words(db, imported, "de")
    assert german.lesson(second).language == "en" and german.lesson(second).title == second.title
    assert german.lesson(first).language == "de"  # the others stay translated

    english = version_words(db, imported, "en")
    assert english.lesson(first).title == first.title and not english.translated


def test_a_draft_keeps_the_translations_and_an_edited_lesson_shows_as_behind(db, imported):
    # The same words: this publishes the imported draft.
    import_pack(db, without_author_notes(read_pack(GUIDELINE)), publish=True)
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


def test_saving_a_translation_beside_its_source_brings_it_in_step(db, imported):
    slug = imported.course.slug
    import_pack(db, without_author_notes(read_pack(GUIDELINE)), publish=True)
    draft, _ = start_draft(db, slug)
    lesson = draft.lessons[1]
    update_lesson(
        db,
        slug,
        lesson.slug,
        LessonInput(lesson.slug, lesson.title, lesson.topic, lesson.minutes, "Changed.\n"),
        token=lesson_token(lesson),
    )
    db.commit()
    before = db.scalar(
        select(LessonTranslation.body_markdown).where(
            LessonTranslation.lesson_id == lesson.id, LessonTranslation.language == "fr"
        )
    )
    with pytest.raises(Invalid) as refused:
        save_lesson_translation(
            db, slug, "fr", lesson.slug, LessonTranslationInput("  ", "<script>x</script>")
        )
    assert set(refused.value.problems) == {"title", "body"}
    db.rollback()
    assert (
        db.scalar(
            select(LessonTranslation.body_markdown).where(
                LessonTranslation.lesson_id == lesson.id, LessonTranslation.language == "fr"
            )
        )
        == before
    )

    saved = save_lesson_translation(
        db, slug, "fr", lesson.slug, LessonTranslationInput("Modifié", "Modifié.\r\n")
    )
    db.commit()
    assert saved.body_markdown == "Modifié.\n" and "<p>Modifié.</p>" in saved.body_html
    french = next(s for s in translation_status(db, draft) if s.language == "fr")
    assert lesson.slug not in french.outdated and french.complete


def test_publishing_refuses_a_translation_that_keeps_its_note_for_hr(db):
    pack = without_author_notes(read_pack(GUIDELINE))
    translations = read_translations(GUIDELINE, pack)
    with pytest.raises(PackError) as refused:
        import_pack(db, pack, publish=True, translations=translations)
    assert [p.split(":")[0] for p in refused.value.problems] == [
        f"translations/{code}/lessons/about-this-guideline.md" for code in ("de", "es", "fr")
    ]
    assert "Hinweis für HR" in refused.value.problems[0]
    published = import_pack(
        db, pack, publish=True, translations=translations_without_notes(translations)
    ).version
    german = version_words(db, published, "de")
    assert "Hinweis für HR" not in german.lesson(published.lessons[0]).body_html


def test_export_writes_the_translations_an_import_reads_back(runner, tmp_path, db):
    imported = runner.invoke(args=["courses", "import", str(GUIDELINE)])
    assert imported.exit_code == 0, imported.output
    assert "Translation fr stored." in imported.output
    out = tmp_path / "out"
    exported = runner.invoke(args=["courses", "export", "social-media-guideline", str(out)])
    assert exported.exit_code == 0, exported.output
    assert "(en, de, es, fr)" in exported.output
    pack = read_pack(out)
    assert read_translations(out, pack) == read_translations(GUIDELINE, read_pack(GUIDELINE))
    again = runner.invoke(args=["courses", "import", str(out)])
    assert "already has this content" in again.output
