"""A newer published version retires the older ones; whoever started an older one finishes it."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select

from lms import PROJECT_ROOT
from lms.courses.models import CourseVersion
from lms.courses.packs import read_pack
from lms.courses.services import import_pack
from lms.learning.models import Enrollment
from tests.helpers import csrf_token, fresh
from tests.learning.quiz_helpers import pass_quiz

COURSE = "social-media-essentials"


def _publish_v2(db) -> CourseVersion:
    pack = read_pack(PROJECT_ROOT / "courses" / COURSE)
    renamed = dataclasses.replace(pack.lessons[0], title="Why we post, revised")
    version = import_pack(
        db, dataclasses.replace(pack, lessons=(renamed, *pack.lessons[1:])), publish=True
    ).version
    db.commit()
    return version


def _done(client, lesson: str) -> None:
    path = f"/courses/{COURSE}/lessons/{lesson}"
    client.post(f"{path}/done", data={"csrf_token": csrf_token(client, path)})


def test_a_learner_who_started_a_retired_version_completes_it(
    client, login, db, org, shipped_courses, enrol
):
    v1 = shipped_courses[COURSE]
    enrollment = enrol(org["staff"], v1)
    login(org["staff"])
    _done(client, v1.lessons[0].slug)
    v2 = _publish_v2(db)
    assert fresh(db, CourseVersion, v1.id).status == "retired"
    for lesson in v1.lessons[1:]:
        _done(client, lesson.slug)
    pass_quiz(client, db, COURSE)
    client.post("/guideline/acknowledge", data={"csrf_token": csrf_token(client, "/guideline")})
    done = fresh(db, Enrollment, enrollment.id)
    assert done.completed_at is not None
    assert done.version_id == v1.id != v2.id
    assert "Why we post, revised" not in client.get(f"/courses/{COURSE}").get_data(as_text=True)


def test_someone_who_had_not_started_takes_the_new_version(
    client, login, db, org, shipped_courses, enrol
):
    enrol(org["staff2"], shipped_courses[COURSE])
    _publish_v2(db)
    login(org["staff2"])
    assert "Why we post, revised" in client.get(f"/courses/{COURSE}").get_data(as_text=True)
    statuses = db.scalars(select(CourseVersion.status).order_by(CourseVersion.number)).all()
    assert statuses.count("published") == 2  # one per course: the guideline and essentials v2
