"""The facts a learning event carries (shape in docs/webhooks.md), read in one query."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.courses.models import Course, CourseVersion
from lms.people.announce import person_facts
from lms.people.models import Employee


def learning_facts(session: Session, employee_id: int, version_id: int) -> dict[str, Any]:
    """Who (id, employee id, email) and what (course slug, version number)."""
    person = session.get(Employee, employee_id)
    assert person is not None
    slug, number = session.execute(
        select(Course.slug, CourseVersion.number)
        .join(Course, Course.id == CourseVersion.course_id)
        .where(CourseVersion.id == version_id)
    ).one()
    return {
        "person": person_facts(person),
        "course": {"slug": slug, "version": number},
    }
