"""Learning records for the API's tests: certificates and guideline acknowledgements made
by the services that make them for learners."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import clock
from lms.courses.models import CourseVersion
from lms.learning.certificates import issue_certificate
from lms.learning.guideline import acknowledge
from lms.learning.models import Certificate, Enrollment


def certify(db: Session, enrollment: Enrollment, *, recertify_months: int | None = None) -> str:
    """Complete the enrollment, issue its certificate and commit; its code."""
    enrollment.version_id = enrollment.version_id or _first_version(db, enrollment.course_id)
    enrollment.completed_at = clock.now()
    enrollment.score = 90
    enrollment.recertify_months = recertify_months
    made: Certificate = issue_certificate(db, enrollment)
    db.commit()
    return made.code


def acknowledged(db: Session, employee_id: int, version: CourseVersion) -> int:
    """Record the person's acknowledgement of the guideline version and commit; its id."""
    attestation = acknowledge(db, employee_id, version, ip_address="192.0.2.1")
    db.commit()
    return attestation.id


def _first_version(db: Session, course_id: int) -> int:
    first = select(CourseVersion.id).where(
        CourseVersion.course_id == course_id, CourseVersion.number == 1
    )
    return db.scalars(first).one()
