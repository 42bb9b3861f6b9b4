"""GET /api/v1/courses and /courses/{slug}: published courses and versions, never drafts."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from lms.authoring.services import start_draft
from lms.courses.models import CourseVersion
from lms.courses.services import publish_version
from tests.api.calls import assert_problem, caller, walk

ESSENTIALS = "social-media-essentials"
GUIDELINE = "social-media-guideline"


@pytest.fixture
def call(app, make_client, shipped_courses):
    return caller(app, make_client(scopes=["read:courses"]))


def test_courses_come_with_their_published_versions(call, shipped_courses, db):
    draft, _ = start_draft(db, ESSENTIALS)  # HR's draft of version 2: not for the API
    db.commit()
    rows = walk(call, "/courses?limit=1")
    assert [row["slug"] for row in rows] == [ESSENTIALS, GUIDELINE]
    essentials = rows[0]
    assert essentials["kind"] == "course"
    assert essentials["title"] == shipped_courses[ESSENTIALS].title
    assert essentials["versions"] == [
        {
            "number": 1,
            "title": shipped_courses[ESSENTIALS].title,
            "status": "published",
            "published_at": "2026-03-02T09:00:00+00:00",
        }
    ]
    publish_version(db, draft)
    db.commit()
    versions = call(f"/courses/{ESSENTIALS}").get_json()["versions"]
    assert [(v["number"], v["status"]) for v in versions] == [(1, "retired"), (2, "published")]


def test_a_course_only_ever_drafted_is_not_there(call, db, shipped_courses):
    guideline = shipped_courses[GUIDELINE].id
    db.execute(update(CourseVersion).where(CourseVersion.id == guideline).values(status="draft"))
    db.commit()
    assert [row["slug"] for row in walk(call, "/courses")] == [ESSENTIALS]
    assert_problem(call(f"/courses/{GUIDELINE}"), 404, "No published course")
    assert_problem(call("/courses/no-such-course"), 404)


def test_the_kind_filter(call):
    assert [row["slug"] for row in walk(call, "/courses?kind=guideline")] == [GUIDELINE]


@pytest.mark.parametrize(
    ("query", "name"),
    [("kind=webinar", "kind"), ("limit=0", "limit"), ("cursor=page-2", "cursor")],
)
def test_a_bad_parameter_is_a_problem_that_names_it(call, query, name):
    body = assert_problem(call(f"/courses?{query}"), 422, name)
    assert list(body["errors"]) == [name]


def test_courses_need_read_courses(app, make_client, shipped_courses):
    without = caller(app, make_client(scopes=["read:completions"]))
    assert_problem(without("/courses"), 403, "read:courses")
    assert_problem(without(f"/courses/{ESSENTIALS}"), 403, "read:courses")


def test_a_manager_scoped_client_sees_the_whole_catalogue(app, make_client, org, shipped_courses):
    team = caller(app, make_client(scopes=["read:courses"], manager=org["lead"].email))
    assert len(walk(team, "/courses")) == 2


def test_an_unchanged_course_answers_304(call, db):
    for path in ("/courses", f"/courses/{ESSENTIALS}"):
        etag = call(path).headers["ETag"]
        again = call(path, If_None_Match=etag)
        assert again.status_code == 304 and again.data == b""
    draft, _ = start_draft(db, ESSENTIALS)
    db.commit()
    assert call(f"/courses/{ESSENTIALS}", If_None_Match=etag).status_code == 304  # a draft
    publish_version(db, draft)
    db.commit()
    assert call(f"/courses/{ESSENTIALS}", If_None_Match=etag).status_code == 200
