"""The guideline acknowledgements the API hands out, within a client's scope, in id order,
a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.api.record_feed import PERSON, RecordFilter, narrowed
from lms.courses.models import Course, CourseVersion
from lms.learning.models import Attestation
from lms.people.models import Employee
from lms.people.org import Scope


@dataclass(frozen=True)
class AttestationRow:
    id: int
    employee_id: str
    email: str
    name: str
    course: str
    version: int
    acknowledged_at: datetime


def attestations_page(
    session: Session, scope: Scope, filters: RecordFilter, after_id: int, limit: int
) -> tuple[list[AttestationRow], bool]:
    """Up to `limit` acknowledgements with ids above `after_id`, and whether more follow;
    one query. Leavers' acknowledgements are included (they are part of the record)."""
    query = (
        select(
            Attestation.id, *PERSON, Course.slug, CourseVersion.number, Attestation.acknowledged_at
        )
        .join(Employee, Attestation.employee_id == Employee.id)
        .join(CourseVersion, Attestation.version_id == CourseVersion.id)
        .join(Course, CourseVersion.course_id == Course.id)
        .where(scope.covers(Employee.id), Attestation.id > after_id)
    )
    query = narrowed(query, filters, Attestation.acknowledged_at)
    rows = session.execute(query.order_by(Attestation.id).limit(limit + 1)).all()
    return [AttestationRow(*row) for row in rows[:limit]], len(rows) > limit
