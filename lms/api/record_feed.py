"""The learning records the API hands out, within a client's scope, in id order, a page at
a time: guideline acknowledgements and certificates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Row, Select, select
from sqlalchemy.orm import Session

from lms.courses.models import Course, CourseVersion
from lms.learning.certificates import CODE_SHAPE
from lms.learning.models import Attestation, Certificate, Enrollment
from lms.people.models import Employee
from lms.people.org import Scope

_Query = Select[tuple[object, ...]]
_PERSON = (Employee.hris_id, Employee.email, Employee.first_name + " " + Employee.last_name)


@dataclass(frozen=True)
class RecordFilter:
    """What a client narrows a list of records to (every field optional)."""

    updated_since: datetime | None = None
    course: str = ""
    email: str = ""


@dataclass(frozen=True)
class AttestationRow:
    id: int
    employee_id: str
    email: str
    name: str
    course: str
    version: int
    acknowledged_at: datetime


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


def _narrowed(query: _Query, filters: RecordFilter, at: ColumnElement[datetime]) -> _Query:
    if filters.updated_since is not None:
        query = query.where(at >= filters.updated_since)
    if filters.course:
        query = query.where(Course.slug == filters.course)
    if filters.email:
        query = query.where(Employee.email == filters.email.strip().lower())
    return query


def attestations_page(
    session: Session, scope: Scope, filters: RecordFilter, after_id: int, limit: int
) -> tuple[list[AttestationRow], bool]:
    """Up to `limit` acknowledgements with ids above `after_id`, and whether more follow;
    one query. Leavers' acknowledgements are included (they are part of the record)."""
    query = (
        select(
            Attestation.id, *_PERSON, Course.slug, CourseVersion.number, Attestation.acknowledged_at
        )
        .join(Employee, Attestation.employee_id == Employee.id)
        .join(CourseVersion, Attestation.version_id == CourseVersion.id)
        .join(Course, CourseVersion.course_id == Course.id)
        .where(scope.covers(Employee.id), Attestation.id > after_id)
    )
    query = _narrowed(query, filters, Attestation.acknowledged_at)
    rows = session.execute(query.order_by(Attestation.id).limit(limit + 1)).all()
    return [AttestationRow(*row) for row in rows[:limit]], len(rows) > limit


def _certificates(scope: Scope) -> _Query:
    return (
        select(
            Certificate.id,
            *_PERSON,
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
    query = _narrowed(
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
