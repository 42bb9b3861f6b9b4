"""Creating courses, drafting from published versions, settings, lessons and their conflicts."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.authoring import lessons, services
from lms.authoring.errors import EditConflict, Gone, Invalid, NoDraft
from lms.authoring.publishing import publish_draft
from lms.authoring.tokens import lesson_token, settings_token
from lms.courses.markdown import render
from lms.courses.models import CourseVersion
from lms.courses.packs import pack_files, read_pack_files
from lms.courses.services import version_as_pack
from tests.authoring.conftest import SLUG, lesson_input


def assert_consistent(version: CourseVersion) -> None:
    """What every edit must keep right: the canonical fingerprint and rendered lessons."""
    pack = version_as_pack(version)
    assert version.fingerprint == pack.fingerprint
    assert [lesson.position for lesson in version.lessons] == list(
        range(1, len(version.lessons) + 1)
    )
    for lesson in version.lessons:
        assert lesson.body_html == render(lesson.body_markdown)


def test_a_new_course_is_an_audited_draft_that_round_trips_through_the_importer(db, draft_course):
    assert (draft_course.number, draft_course.status) == (1, "draft")
    assert_consistent(draft_course)
    pack = version_as_pack(draft_course)
    assert read_pack_files(pack_files(pack)) == pack  # exactly what an import would accept
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "course.created"))
    assert (event.target, event.after) == (f"{draft_course.title}, version 1", "draft")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"slug": "Bad Slug"}, "slug", "must be lower-case letters, digits and hyphens"),
        ({"slug": SLUG}, "slug", "exists already"),
        ({"slug": "new"}, "slug", "exists already"),
        ({"title": "  "}, "title", "This needs some text."),
        ({"kind": "webinar"}, "kind", "Choose one of: course, guideline."),
        ({"minutes": 0}, "minutes", "Must be a whole number from 1 to 10000, not 0."),
    ],
)
def test_a_new_course_with_bad_input_is_refused_by_field(db, draft_course, change, field, message):
    new = services.NewCourse("another", "Another", "course", "Summary.", 10)
    with pytest.raises(Invalid) as refused:
        services.create_course(db, dataclasses.replace(new, **change), actor_id=None)
    assert message in " ".join(map(str, refused.value.problems[field]))


def test_edit_of_a_published_course_drafts_the_next_number_and_leaves_the_published_alone(
    db, draft_course
):
    publish_draft(
        db,
        SLUG,
        fingerprint=draft_course.fingerprint,
        note="First version",
        requires_reacknowledgement=False,
        actor_id=None,
    )
    with pytest.raises(NoDraft):
        services.draft(db, SLUG)
    copy, created = services.start_draft(db, SLUG)
    assert created and (copy.number, copy.status) == (2, "draft")
    assert copy.fingerprint == draft_course.fingerprint
    assert services.start_draft(db, SLUG) == (copy, False)
    lessons.update_lesson(
        db,
        SLUG,
        "first",
        lesson_input("first", "First lesson", "Changed.\n"),
        token=lesson_token(copy.lessons[0]),
    )
    assert draft_course.lessons[0].body_markdown == "# Hello\n\nWorld.\n"
    assert draft_course.status == "published"
    assert_consistent(copy)


def test_settings_are_saved_and_a_stale_token_is_a_conflict_that_changes_nothing(db, draft_course):
    settings = services.CourseSettings(
        "New title",
        "New summary",
        30,
        True,
        dataclasses.replace(version_as_pack(draft_course).quiz, pass_mark=90),
    )
    stale = settings_token(draft_course)
    services.update_settings(db, SLUG, settings, token=stale)
    assert (draft_course.title, draft_course.pass_mark) == ("New title", 90)
    assert_consistent(draft_course)
    with pytest.raises(EditConflict) as conflict:
        services.update_settings(
            db, SLUG, dataclasses.replace(settings, title="Overwrite"), token=stale
        )
    assert conflict.value.current.title == "New title"
    assert draft_course.title == "New title"


def test_settings_out_of_range_are_refused_by_field(db, draft_course):
    quiz = dataclasses.replace(version_as_pack(draft_course).quiz, pass_mark=0, draw=0)
    settings = services.CourseSettings("T", "", 30, False, quiz)
    with pytest.raises(Invalid) as refused:
        services.update_settings(db, SLUG, settings, token=settings_token(draft_course))
    assert set(refused.value.problems) == {"summary", "pass_mark", "draw"}
    assert refused.value.problems["pass_mark"] == ["Must be a whole number from 1 to 100, not 0."]


def test_lessons_are_added_edited_moved_and_deleted_keeping_everything_consistent(db, draft_course):
    lessons.add_lesson(db, SLUG, lesson_input("third", "Third", "Three\r\nlines\r\n\r\n"))
    third = draft_course.lessons[-1]
    assert third.body_markdown == "Three\nlines\n"
    lessons.move_lesson(db, SLUG, "third", -1)
    assert [lesson.slug for lesson in draft_course.lessons] == ["first", "third", "second"]
    lessons.move_lesson(db, SLUG, "first", -1)  # already first: stays
    lessons.update_lesson(
        db, SLUG, "third", lesson_input("renamed", "Renamed"), token=lesson_token(third)
    )
    lessons.delete_lesson(db, SLUG, "renamed", token=lesson_token(third))
    assert [lesson.slug for lesson in draft_course.lessons] == ["first", "second"]
    assert_consistent(draft_course)
    db.commit()


def test_renaming_a_lesson_keeps_its_questions_linked(db, draft_course):
    first = draft_course.lessons[0]
    lessons.update_lesson(
        db, SLUG, "first", lesson_input("intro", "Intro"), token=lesson_token(first)
    )
    assert {q.lesson_slug for q in draft_course.questions} == {"intro"}
    assert_consistent(draft_course)


def test_a_lesson_changed_or_deleted_by_someone_else_is_not_overwritten(db, draft_course):
    first = draft_course.lessons[0]
    loaded = lesson_token(first)
    lessons.update_lesson(
        db, SLUG, "first", lesson_input("first", "Theirs", "Their text.\n"), token=loaded
    )
    with pytest.raises(EditConflict) as conflict:
        lessons.update_lesson(
            db, SLUG, "first", lesson_input("first", "Mine", "My text.\n"), token=loaded
        )
    assert conflict.value.current.body_markdown == "Their text.\n"
    with pytest.raises(EditConflict):
        lessons.delete_lesson(db, SLUG, "first", token=loaded)
    second = draft_course.lessons[1]
    lessons.delete_lesson(db, SLUG, "second", token=lesson_token(second))
    with pytest.raises(Gone):
        lessons.update_lesson(db, SLUG, "second", lesson_input("second", "Mine"), token="x")
    assert draft_course.lessons[0].title == "Theirs"


def test_a_lesson_that_questions_link_to_cannot_be_deleted(db, draft_course):
    with pytest.raises(Invalid) as refused:
        lessons.delete_lesson(db, SLUG, "first", token=lesson_token(draft_course.lessons[0]))
    assert "q-one, q-two, q-three" in str(refused.value.problems["lesson"][0])


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"slug": "second"}, "slug", "Another lesson of this course is named 'second' already."),
        ({"slug": "Not OK"}, "slug", "'Not OK' must be lower-case letters, digits and hyphens."),
        ({"topic": "gossip"}, "topic", "Unknown topic 'gossip'; use one of why-social"),
        ({"minutes": 601}, "minutes", "Must be a whole number from 1 to 600, not 601."),
        ({"body": "  \n"}, "body", "The lesson has no text yet."),
        (
            {"body": "Hi\n\n<script>alert(1)</script>\n"},
            "body",
            "Line 3: raw HTML ('<script>alert(1)</script>') is not allowed in lessons",
        ),
        (
            {"body": "[x](javascript:alert(1))\n"},
            "body",
            "Line 1: the link target 'javascript:alert(1)' is not allowed",
        ),
    ],
)
def test_a_lesson_breaking_a_pack_rule_is_refused_by_field(
    db, draft_course, change, field, message
):
    data = dataclasses.replace(lesson_input("first", "First lesson"), **change)
    before = draft_course.fingerprint
    with pytest.raises(Invalid) as refused:
        lessons.update_lesson(db, SLUG, "first", data, token=lesson_token(draft_course.lessons[0]))
    assert message in " ".join(map(str, refused.value.problems[field]))
    assert draft_course.fingerprint == before
