"""A course HR withdrew can be taken again by choice, where it was left (it answered 500)."""

from __future__ import annotations

from sqlalchemy import select

from lms.assignments import individual
from lms.assignments.sync import sync_assignments
from lms.learning.models import Enrollment, LessonProgress
from tests.helpers import csrf_token

COURSE = "social-media-essentials"
LESSON = f"/courses/{COURSE}/lessons/why-professionals-post"


def test_a_withdrawn_course_is_offered_and_taken_up_again_with_its_progress(
    login, db, org, shipped_courses, enrol
):
    staff = org["staff"]
    enrol(staff, shipped_courses[COURSE])
    client = login(staff)
    client.post(f"{LESSON}/done", data={"csrf_token": csrf_token(client, LESSON)})
    individual.withdraw_course(db, staff.id, COURSE, actor_id=org["hr"].id)
    db.commit()
    assert client.get(f"/courses/{COURSE}").status_code == 404  # withdrawn: not theirs now

    catalogue = client.get("/catalogue").get_data(as_text=True)
    assert f"/courses/{COURSE}/enrol" in catalogue
    token = csrf_token(client, "/catalogue")
    for _ in range(2):  # a double click too
        response = client.post(f"/courses/{COURSE}/enrol", data={"csrf_token": token})
        assert response.status_code == 302
        assert response.headers["Location"] == f"/courses/{COURSE}"

    db.rollback()
    enrollments = db.scalars(select(Enrollment).filter_by(employee_id=staff.id)).all()
    assert len(enrollments) == 1
    (again,) = enrollments
    assert (again.withdrawn_at, again.due_at, again.source) == (None, None, "self")
    assert db.scalars(select(LessonProgress).filter_by(enrollment_id=again.id)).all()
    assert "1 of 9 lessons done" in client.get(f"/courses/{COURSE}").get_data(as_text=True)
    assert sync_assignments(db).withdrawn == 0  # chosen by the person: no rule takes it back
