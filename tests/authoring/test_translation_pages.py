"""HR's Translations page: each language's state, and a lesson translated beside its source."""

from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import select

from lms import PROJECT_ROOT
from lms.authoring.lessons import LessonInput, lesson_token, update_lesson
from lms.courses.author_notes import translations_without_notes, without_author_notes
from lms.courses.models import LessonTranslation, QuestionTranslation, VersionTranslation
from lms.courses.pack_translations import read_translations
from lms.courses.packs import read_pack
from lms.courses.services import import_pack
from tests.helpers import csrf_token

SLUG = "social-media-guideline"
PAGE = f"/admin/courses/{SLUG}/translations/"


def _import(db, *, publish: bool):
    folder = PROJECT_ROOT / "courses" / SLUG
    pack = without_author_notes(read_pack(folder))
    translations = translations_without_notes(read_translations(folder, pack))
    version = import_pack(db, pack, publish=publish, translations=translations).version
    db.commit()
    return version


@pytest.fixture
def draft(db):
    return _import(db, publish=False)


def _stored(db, lesson_id: int, language: str) -> LessonTranslation:
    db.rollback()
    db.expire_all()
    return db.scalars(
        select(LessonTranslation).where(
            LessonTranslation.lesson_id == lesson_id, LessonTranslation.language == language
        )
    ).one()


def test_the_page_shows_every_language_and_what_has_fallen_behind(db, login, org, draft):
    client = login(org["hr"])
    page = client.get(PAGE).text
    assert page.count("Every lesson and question is translated from the current English.") == 3
    lesson = draft.lessons[2]
    update_lesson(
        db,
        SLUG,
        lesson.slug,
        LessonInput(lesson.slug, lesson.title, lesson.topic, lesson.minutes, "New words.\n"),
        token=lesson_token(lesson),
    )
    db.commit()
    page = client.get(PAGE).text
    assert page.count("Behind: the English changed since") == 3
    assert "1 behind its source" in page
    course_page = client.get(f"/admin/courses/{SLUG}").text
    assert f'href="{PAGE}"' in course_page


def test_a_lesson_is_translated_beside_its_source(db, login, org, draft):
    client = login(org["hr"])
    lesson = draft.lessons[1]
    path = f"{PAGE}fr/lessons/{lesson.slug}"
    form = client.get(path)
    assert form.status_code == 200
    assert '<section aria-labelledby="source-heading" lang="en">' in form.text
    assert lesson.title in form.text and 'lang="fr"' in form.text
    before = _stored(db, lesson.id, "fr").body_markdown

    refused = client.post(
        path, data={"csrf_token": csrf_token(client, path), "title": "", "body": "<b>x</b>"}
    )
    assert refused.status_code == 200
    assert "This needs some text." in refused.text
    assert _stored(db, lesson.id, "fr").body_markdown == before

    saved = client.post(
        path,
        data={"csrf_token": csrf_token(client, path), "title": "Titre", "body": "Du texte.\r\n"},
    )
    assert saved.status_code == 302 and saved.location == PAGE
    stored = _stored(db, lesson.id, "fr")
    assert (stored.title, stored.body_markdown) == ("Titre", "Du texte.\n")
    assert "<p>Du texte.</p>" in stored.body_html


def test_a_published_version_is_read_only_here(db, login, org):
    version = _import(db, publish=True)
    client = login(org["hr"])
    page = client.get(PAGE).text
    assert "is published, so its translations are read only" in page
    assert "Edit side by side" not in page
    edit = client.get(f"{PAGE}de/lessons/{version.lessons[0].slug}")
    assert edit.status_code == 302 and edit.location == PAGE


def test_a_question_is_translated_beside_its_source(db, login, org, draft):
    client = login(org["hr"])
    question = next(q for q in draft.questions if q.post is not None)
    path = f"{PAGE}es/questions/{question.key}"
    form = client.get(path)
    assert form.status_code == 200 and str(escape(question.prompt)) in form.text
    fields = {"csrf_token": csrf_token(client, path), "prompt": "¿Qué harías?", "post": "Texto"}
    fields["explanation"] = "Porque sí."
    for index, choice in enumerate(question.choices):
        fields[f"choice_{index}_text"] = f"Opción {index + 1}"
        if choice.feedback:
            fields[f"choice_{index}_feedback"] = f"Comentario {index + 1}"
    missing = client.post(path, data={**fields, "explanation": " "})
    assert missing.status_code == 200 and "This needs some text." in missing.text
    saved = client.post(path, data=fields)
    assert saved.status_code == 302 and saved.location == PAGE
    db.rollback()
    db.expire_all()  # the import in the fixture left these rows in this session's map
    stored = db.scalars(
        select(QuestionTranslation).where(
            QuestionTranslation.question_id == question.id, QuestionTranslation.language == "es"
        )
    ).one()
    assert (stored.prompt, stored.post, stored.explanation) == (
        "¿Qué harías?",
        "Texto",
        "Porque sí.",
    )
    assert [c["text"] for c in stored.choices] == [
        f"Opción {i + 1}" for i in range(len(question.choices))
    ]


def test_the_course_title_and_summary_are_translated_beside_the_english(db, login, org, draft):
    client = login(org["hr"])
    path = f"{PAGE}es/course"
    assert draft.title in client.get(path).text
    token = csrf_token(client, path)
    empty = client.post(path, data={"csrf_token": token, "title": "x", "summary": " "})
    assert empty.status_code == 200 and "This needs some text." in empty.text
    saved = client.post(
        path,
        data={"csrf_token": csrf_token(client, path), "title": "Nuestra política", "summary": "Ya"},
    )
    assert saved.status_code == 302
    db.rollback()
    db.expire_all()
    stored = db.scalars(
        select(VersionTranslation).where(
            VersionTranslation.version_id == draft.id, VersionTranslation.language == "es"
        )
    ).one()
    assert (stored.title, stored.summary) == ("Nuestra política", "Ya")
