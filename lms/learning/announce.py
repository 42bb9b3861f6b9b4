"""The facts a learning event carries (shape in docs/webhooks.md), read in one query."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.courses.models import Course, CourseVersion
from lms.learning.models import Enrollment
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


def completion_facts(session: Session, enrollment: Enrollment, *, by_hr: bool) -> dict[str, Any]:
    """An enrollment.completed event's data, whether the learner finished in Postwise or HR
    recorded a completion done elsewhere (then the version may be none: nothing was taken)."""
    person = session.get(Employee, enrollment.employee_id)
    assert person is not None
    slug, number = session.execute(
        select(Course.slug, CourseVersion.number)
        .select_from(Course)
        .outerjoin(CourseVersion, CourseVersion.id == enrollment.version_id)
        .where(Course.id == enrollment.course_id)
    ).one()
    return {
        "person": person_facts(person),
        "course": {"slug": slug, "version": number},
        "enrollment_id": enrollment.id,
        "cycle": enrollment.cycle,
        "completed_at": enrollment.completed_at,
        "score": enrollment.score,
        "recorded_by_hr": by_hr,
    }
