"""The editor refuses to publish a draft whose lesson still holds a note for HR."""

from __future__ import annotations

from sqlalchemy import select

from lms.authoring import lessons
from lms.courses.models import CourseVersion
from tests.authoring.conftest import SLUG, lesson_input
from tests.courses.test_author_notes import NOTE
from tests.helpers import csrf_token


def test_the_editor_refuses_to_publish_a_draft_with_a_note_and_says_where(
    login, org, db, draft_course
):
    lessons.add_lesson(db, SLUG, lesson_input("third", "Third lesson", "Hello.\n\n" + NOTE))
    db.commit()
    client = login(org["hr"])
    path = f"/admin/courses/{SLUG}/publish"
    draft = db.scalar(select(CourseVersion).where(CourseVersion.id == draft_course.id))
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "fingerprint": draft.fingerprint,
            "note": "1",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Lesson “Third lesson”, line 3: this lesson still holds a note for HR" in page
    db.rollback()
    assert db.get(CourseVersion, draft_course.id).status == "draft"
