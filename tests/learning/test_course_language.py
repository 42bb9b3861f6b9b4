"""A learner reads a course in their language, falls back to English where a part is not
translated (and is told so), can switch, and stays on one record whatever the language."""

from __future__ import annotations

import pytest
import yaml
from sqlalchemy import delete, select

from lms import PROJECT_ROOT
from lms.courses.author_notes import translations_without_notes, without_author_notes
from lms.courses.models import Lesson, LessonTranslation
from lms.courses.pack_translations import read_translations
from lms.courses.packs import read_pack
from lms.courses.services import import_pack
from lms.learning.models import Enrollment, LessonProgress
from lms.learning.services import mark_lesson_done
from tests.helpers import csrf_token
from tests.learning.quiz_helpers import pass_quiz

SLUG = "social-media-essentials"
GERMAN = PROJECT_ROOT / "courses" / SLUG / "translations" / "de" / "course.yaml"
GERMAN_TITLE = yaml.safe_load(GERMAN.read_text())["title"]


@pytest.fixture
def translated(db):
    folder = PROJECT_ROOT / "courses" / SLUG
    pack = without_author_notes(read_pack(folder))
    translations = translations_without_notes(read_translations(folder, pack))
    version = import_pack(db, pack, publish=True, translations=translations).version
    db.commit()
    return version


@pytest.fixture
def german(make_employee, enrol, translated):
    person = make_employee(first_name="Jonas", last_name="Becker", language="de")
    enrol(person, translated)
    return person


def _lesson_path(lesson: Lesson) -> str:
    return f"/courses/{SLUG}/lessons/{lesson.slug}"


def test_the_course_comes_in_the_learners_language(login, german, translated):
    client = login(german)
    home = client.get("/").text
    assert GERMAN_TITLE in home
    course = client.get(f"/courses/{SLUG}").text
    assert f"<h1>{GERMAN_TITLE}</h1>" in course
    assert 'lang="de" selected' in course  # the switch offers the course's languages
    first = translated.lessons[0]
    page = client.get(_lesson_path(first)).text
    assert '<article class="lesson" aria-labelledby="lesson-title" lang="de">' in page
    assert first.title not in page


def test_a_missing_translation_falls_back_to_english_and_says_so(db, login, german, translated):
    first = translated.lessons[0]
    db.execute(delete(LessonTranslation).where(LessonTranslation.lesson_id == first.id))
    db.commit()
    page = login(german).get(_lesson_path(first)).text
    assert 'lang="en">' in page and f">{first.title}</h1>" in page
    assert "Dieser Teil ist noch nicht übersetzt (Deutsch)" in page


def test_switching_language_keeps_one_record(db, login, german, translated):
    client = login(german)
    first = translated.lessons[0]
    done = client.post(
        f"{_lesson_path(first)}/done", data={"csrf_token": csrf_token(client, _lesson_path(first))}
    )
    assert done.status_code == 302
    switched = client.post(
        f"/courses/{SLUG}/language",
        data={"csrf_token": csrf_token(client, "/"), "language": "en", "next": _lesson_path(first)},
    )
    assert switched.status_code == 302 and switched.location == _lesson_path(first)
    page = client.get(_lesson_path(first)).text
    assert f">{first.title}</h1>" in page and "You marked this lesson as done." not in page
    assert "Sie haben diese Lektion als erledigt markiert." in page  # the interface stays German
    course = client.get(f"/courses/{SLUG}").text
    assert translated.title in course and GERMAN_TITLE not in course
    db.rollback()
    marked = db.scalars(
        select(LessonProgress.lesson_id)
        .join(Enrollment, Enrollment.id == LessonProgress.enrollment_id)
        .where(Enrollment.employee_id == german.id)
    )
    assert list(marked) == [first.id]

    back = client.post(
        f"/courses/{SLUG}/language", data={"csrf_token": csrf_token(client, "/"), "language": ""}
    )
    assert back.location == f"/courses/{SLUG}"
    assert GERMAN_TITLE in client.get(f"/courses/{SLUG}").text


def test_the_last_lesson_done_names_the_course_in_the_learners_language(
    db, login, german, translated
):
    client = login(german)
    pass_quiz(client, db, SLUG)
    db.rollback()  # read what the quiz's requests committed before writing
    *first, last = translated.lessons
    for lesson in first:
        mark_lesson_done(db, german.id, SLUG, lesson.slug)
    db.commit()
    done = client.post(
        f"{_lesson_path(last)}/done",
        data={"csrf_token": csrf_token(client, _lesson_path(last))},
        follow_redirects=True,
    )
    assert f"Gut gemacht: Sie haben {GERMAN_TITLE} abgeschlossen." in done.text
    assert translated.title not in done.text


def test_a_language_postwise_does_not_speak_is_refused(login, german):
    client = login(german)
    refused = client.post(
        f"/courses/{SLUG}/language", data={"csrf_token": csrf_token(client, "/"), "language": "xx"}
    )
    assert refused.status_code == 400
