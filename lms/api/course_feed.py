"""The courses the API hands out: each with its published versions, in id order, a page at
a time. Drafts are HR's work in progress and never leave Postwise."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from lms.courses.models import PUBLISHED, RETIRED, Course, CourseVersion

_SHOWN = CourseVersion.status.in_((PUBLISHED, RETIRED))


@dataclass(frozen=True)
class VersionRow:
    number: int
    title: str
    status: str
    published_at: datetime | None


@dataclass
class CourseRow:
    """One course as the API shows it; its title is its newest published version's."""

    id: int
    slug: str
    kind: str
    versions: list[VersionRow] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.versions[-1].title


def _courses() -> Select[tuple[int, str, str]]:
    published = exists().where(CourseVersion.course_id == Course.id, _SHOWN)
    return select(Course.id, Course.slug, Course.kind).where(published)


def _with_versions(session: Session, courses: list[CourseRow]) -> list[CourseRow]:
    """Fill in the courses' published versions, oldest first: one query for them all."""
    by_id = {course.id: course for course in courses}
    if by_id:
        rows = session.execute(
            select(
                CourseVersion.course_id,
                CourseVersion.number,
                CourseVersion.title,
                CourseVersion.status,
                CourseVersion.published_at,
            )
            .where(CourseVersion.course_id.in_(by_id), _SHOWN)
            .order_by(CourseVersion.course_id, CourseVersion.number)
        )
        for course_id, *version in rows:
            by_id[course_id].versions.append(VersionRow(*version))
    return courses


def courses_page(
    session: Session, after_id: int, limit: int, *, kind: str = ""
) -> tuple[list[CourseRow], bool]:
    """Up to `limit` courses with ids above `after_id`, and whether more follow; two queries."""
    query = _courses().where(Course.id > after_id)
    if kind:
        query = query.where(Course.kind == kind)
    rows = [CourseRow(*row) for row in session.execute(query.order_by(Course.id).limit(limit + 1))]
    return _with_versions(session, rows[:limit]), len(rows) > limit


def course(session: Session, slug: str) -> CourseRow | None:
    """One course by slug, or None when there is none or nothing of it is published."""
    row = session.execute(_courses().where(Course.slug == slug)).first()
    return _with_versions(session, [CourseRow(*row)])[0] if row is not None else None
