"""GET /api/v1/courses and /api/v1/courses/{slug}: the catalogue and its published versions."""

from __future__ import annotations

from flask import Response, abort

from lms.api.auth import require_scope
from lms.api.blueprint import bp, json_with_etag, next_link
from lms.api.course_feed import course, courses_page
from lms.api.course_schemas import SLUG_PATTERN, CoursePageSchema, CourseQuery, CourseSchema
from lms.api.page_schemas import NOT_MODIFIED
from lms.api.problems import problem
from lms.api.scopes import READ_COURSES
from lms.dbsession import db_session

_PAGE = CoursePageSchema()
_COURSE = CourseSchema()
_SLUG = {"in": "path", "name": "slug", "schema": {"type": "string", "pattern": SLUG_PATTERN}}


@bp.get("/courses")
@bp.arguments(CourseQuery, location="query", as_kwargs=True)
@bp.response(200, CoursePageSchema)
@bp.alt_response(304, description=NOT_MODIFIED)
@bp.doc(security=[{"oauth2": [READ_COURSES]}])
@require_scope(READ_COURSES)
def courses(limit: int, kind: str = "", cursor: int = 0) -> Response:
    """Courses with at least one published version, in a stable order, a page at a time."""
    rows, more = courses_page(db_session(), cursor, limit, kind=kind)
    link = next_link(rows[-1].id) if more else None
    return json_with_etag(_PAGE.dump({"data": rows, "next": link}))


@bp.get("/courses/<slug>", parameters=[_SLUG])
@bp.response(200, CourseSchema)
@bp.alt_response(304, description=NOT_MODIFIED)
@bp.alt_response(404, description="No published course has that slug")
@bp.doc(security=[{"oauth2": [READ_COURSES]}])
@require_scope(READ_COURSES)
def one_course(slug: str) -> Response:
    """One course with its published versions; a course only ever drafted is not there."""
    found = course(db_session(), slug)
    if found is None:
        abort(problem(404, "No published course has that slug."))
    return json_with_etag(_COURSE.dump(found))
