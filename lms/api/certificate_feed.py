"""The certificates the API hands out, within a client's scope, in id order, a page at a
time, or one by its code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from lms.api.record_feed import PERSON, Query, RecordFilter, narrowed
from lms.courses.models import Course, CourseVersion
from lms.learning.certificates import CODE_SHAPE
from lms.learning.models import Certificate, Enrollment
from lms.people.models import Employee
from lms.people.org import Scope


@dataclass(frozen=True)
class CertificateRow:
    id: int
    employee_id: str
    email: str
    name: str
    code: str
    course: str
    course_title: str
    version: int
    completed_at: datetime
    score: int | None
    issued_at: datetime
    valid_until: datetime | None
    expired: bool


def _certificates(scope: Scope) -> Query:
    return (
        select(
            Certificate.id,
            *PERSON,
            Certificate.code,
            Course.slug,
            CourseVersion.title,
            CourseVersion.number,
            Enrollment.completed_at,
            Enrollment.score,
            Certificate.issued_at,
            Certificate.valid_until,
        )
        .join(Enrollment, Certificate.enrollment_id == Enrollment.id)
        .join(Employee, Enrollment.employee_id == Employee.id)
        .join(CourseVersion, Enrollment.version_id == CourseVersion.id)
        .join(Course, CourseVersion.course_id == Course.id)
        .where(scope.covers(Employee.id), Enrollment.completed_at.is_not(None))
    )


def _certificate(row: Row[tuple[object, ...]], now: datetime) -> CertificateRow:
    valid_until = row[-1]
    return CertificateRow(*row, expired=valid_until is not None and valid_until < now)


def certificates_page(
    session: Session,
    scope: Scope,
    filters: RecordFilter,
    after_id: int,
    limit: int,
    now: datetime,
) -> tuple[list[CertificateRow], bool]:
    """Up to `limit` certificates with ids above `after_id`, and whether more follow; one
    query. `now` tells which have expired."""
    query = narrowed(
        _certificates(scope).where(Certificate.id > after_id), filters, Certificate.issued_at
    )
    rows = session.execute(query.order_by(Certificate.id).limit(limit + 1)).all()
    return [_certificate(row, now) for row in rows[:limit]], len(rows) > limit


def certificate(session: Session, scope: Scope, code: str, now: datetime) -> CertificateRow | None:
    """The certificate with this code, or None when there is none in the scope."""
    if not CODE_SHAPE.fullmatch(code):
        return None  # not a code we could have issued
    row = session.execute(_certificates(scope).where(Certificate.code == code)).first()
    return _certificate(row, now) if row is not None else None
