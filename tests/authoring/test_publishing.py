"""Publishing from the editor: the importer's checks, a change note, retiring, the audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.authoring import lessons, services
from lms.authoring.errors import EditConflict, Invalid
from lms.authoring.publishing import publish_draft, publish_problems
from lms.authoring.tokens import settings_token
from lms.courses.services import version_as_pack
from tests.authoring.conftest import SLUG, lesson_input


def _publish(db, version, note="First version", **overrides):
    values = {
        "fingerprint": version.fingerprint,
        "note": note,
        "requires_reacknowledgement": False,
        "actor_id": None,
    }
    values.update(overrides)
    return publish_draft(db, SLUG, **values)


def test_a_draft_drawing_more_questions_than_it_has_is_refused_with_a_clear_message(
    db, draft_course
):
    quiz = version_as_pack(draft_course).quiz
    settings = services.CourseSettings("Posting well", "How.", 20, False, quiz.__class__(draw=5))
    services.update_settings(db, SLUG, settings, token=settings_token(draft_course))
    assert [str(problem) for problem in publish_problems(draft_course)] == [
        "Settings: quiz draw is 5 but quiz.yaml has only 3 questions"
    ]
    with pytest.raises(Invalid) as refused:
        _publish(db, draft_course)
    assert {field: [str(p) for p in found] for field, found in refused.value.problems.items()} == {
        "draft": ["Settings: quiz draw is 5 but quiz.yaml has only 3 questions"]
    }
    assert draft_course.status == "draft"


def test_a_course_without_lessons_cannot_be_published(db, org):
    services.create_course(
        db, services.NewCourse("empty", "Empty", "course", "Nothing yet.", 5), actor_id=None
    )
    version = services.draft(db, "empty")
    assert [str(problem) for problem in publish_problems(version)] == [
        "Lessons: a pack needs at least one lesson, as lessons/01-slug.md"
    ]


def test_publishing_needs_a_note_and_reacknowledgement_is_for_guidelines(db, draft_course):
    with pytest.raises(Invalid) as refused:
        _publish(db, draft_course, note=" ", requires_reacknowledgement=True)
    assert set(refused.value.problems) == {"note", "requires_reacknowledgement"}


def test_a_draft_changed_since_it_was_reviewed_is_not_published(db, draft_course):
    reviewed = draft_course.fingerprint
    lessons.add_lesson(db, SLUG, lesson_input("late", "Late addition"))
    with pytest.raises(EditConflict):
        _publish(db, draft_course, fingerprint=reviewed)
    assert draft_course.status == "draft"


def test_publishing_retires_the_older_version_and_is_audited(db, draft_course, org):
    _publish(db, draft_course, actor_id=org["hr"].id)
    v2, _ = services.start_draft(db, SLUG)
    lessons.add_lesson(db, SLUG, lesson_input("third", "Third"))
    _publish(db, v2, note="Adds a third lesson", actor_id=org["hr"].id)
    assert [(v.number, v.status) for v in services.course_row(db, SLUG).versions] == [
        (1, "retired"),
        (2, "published"),
    ]
    row = services.course_row(db, SLUG).newest
    assert (row.published_by, row.change_note) == ("Hana Rao", "Adds a third lesson")
    events = db.scalars(
        select(AuditEvent.after).where(AuditEvent.action == "course.published")
    ).all()
    assert events == ["published: First version", "published; v1 retired: Adds a third lesson"]
