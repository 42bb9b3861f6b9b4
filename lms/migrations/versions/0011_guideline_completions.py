"""Repair guideline enrollments: an acknowledgement completes the guideline course.

Before this revision, acknowledging the guideline did not complete the guideline course, so
people who had acknowledged it were still shown as "not started" or "overdue" on My
learning, My team, the exports and the charts. Each open guideline enrollment whose person
acknowledged the version it takes (or, not started, a version that still counts) is now
completed as acknowledging completes it today: every section recorded as read, the
completion dated when both the assignment and the acknowledgement were there, and its
certificate issued. No table changes.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 12:00:00
"""

from __future__ import annotations

import calendar
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_courses = sa.table("courses", sa.column("id"), sa.column("kind"))
_versions = sa.table(
    "course_versions",
    sa.column("id"),
    sa.column("course_id"),
    sa.column("number"),
    sa.column("status"),
    sa.column("requires_reacknowledgement"),
)
_lessons = sa.table("lessons", sa.column("id"), sa.column("version_id"))
_enrollments = sa.table(
    "enrollments",
    sa.column("id"),
    sa.column("employee_id"),
    sa.column("course_id"),
    sa.column("version_id"),
    sa.column("cycle"),
    sa.column("assigned_at", sa.DateTime()),
    sa.column("started_at", sa.DateTime()),
    sa.column("completed_at", sa.DateTime()),
    sa.column("withdrawn_at", sa.DateTime()),
    sa.column("recertify_months"),
)
_attestations = sa.table(
    "attestations",
    sa.column("employee_id"),
    sa.column("version_id"),
    sa.column("acknowledged_at", sa.DateTime()),
)
_progress = sa.table(
    "lesson_progress",
    sa.column("enrollment_id"),
    sa.column("lesson_id"),
    sa.column("completed_at", sa.DateTime()),
)
_certificates = sa.table(
    "certificates",
    sa.column("enrollment_id"),
    sa.column("code"),
    sa.column("issued_at", sa.DateTime()),
    sa.column("valid_until", sa.DateTime()),
)


def upgrade() -> None:
    connection = op.get_bind()
    guideline_ids = connection.scalars(
        sa.select(_courses.c.id).where(_courses.c.kind == "guideline")
    ).all()
    for course_id in guideline_ids:
        _repair(connection, course_id)


def downgrade() -> None:
    """The repaired completions are true records of what people did: they stay."""


def _repair(connection: sa.Connection, course_id: int) -> None:
    versions = connection.execute(
        sa.select(_versions.c.id, _versions.c.number, _versions.c.requires_reacknowledgement)
        .where(
            _versions.c.course_id == course_id,
            _versions.c.status.in_(("published", "retired")),
        )
        .order_by(_versions.c.number)
    ).all()
    if not versions:
        return
    number_of = {version.id: version.number for version in versions}
    # An acknowledgement counts from the newest version that asked everyone again.
    baseline = max(
        (v.number for v in versions if v.requires_reacknowledgement), default=versions[0].number
    )
    acknowledgements: dict[int, list[tuple[datetime, int]]] = {}
    for employee_id, version_id, at in connection.execute(
        sa.select(
            _attestations.c.employee_id,
            _attestations.c.version_id,
            _attestations.c.acknowledged_at,
        )
        .where(_attestations.c.version_id.in_(number_of))
        .order_by(_attestations.c.acknowledged_at)
    ):
        acknowledgements.setdefault(employee_id, []).append((at, version_id))
    open_enrollments = connection.execute(
        sa.select(_enrollments).where(
            _enrollments.c.course_id == course_id,
            _enrollments.c.completed_at.is_(None),
            _enrollments.c.withdrawn_at.is_(None),
        )
    ).all()
    now = datetime.now(UTC).replace(tzinfo=None)  # stored as naive UTC
    for enrollment in open_enrollments:
        lowest = number_of.get(enrollment.version_id, baseline)
        found = next(
            (
                (at, version_id)
                for at, version_id in acknowledgements.get(enrollment.employee_id, [])
                if number_of[version_id] >= lowest
                # A renewed cycle needs an acknowledgement of its own, not the last cycle's.
                and (enrollment.cycle == 1 or at >= enrollment.assigned_at)
            ),
            None,
        )
        if found is not None:
            _complete(connection, enrollment, *found, now)


def _complete(
    connection: sa.Connection, enrollment: sa.Row, at: datetime, version_id: int, now: datetime
) -> None:
    taken = enrollment.version_id or version_id
    completed = max(at, enrollment.assigned_at, enrollment.started_at or at)
    connection.execute(
        sa.update(_enrollments)
        .where(_enrollments.c.id == enrollment.id)
        .values(
            version_id=taken, started_at=enrollment.started_at or completed, completed_at=completed
        )
    )
    done = set(
        connection.scalars(
            sa.select(_progress.c.lesson_id).where(_progress.c.enrollment_id == enrollment.id)
        )
    )
    lessons = connection.scalars(sa.select(_lessons.c.id).where(_lessons.c.version_id == taken))
    rows = [
        {"enrollment_id": enrollment.id, "lesson_id": lesson_id, "completed_at": completed}
        for lesson_id in lessons
        if lesson_id not in done
    ]
    if rows:
        connection.execute(sa.insert(_progress), rows)
    months = enrollment.recertify_months
    connection.execute(
        sa.insert(_certificates).values(
            enrollment_id=enrollment.id,
            code=secrets.token_urlsafe(16),
            issued_at=now,
            valid_until=_add_months(completed, months) if months else None,
        )
    )


def _add_months(moment: datetime, months: int) -> datetime:
    """As lms.clock.add_months, copied so this revision never changes with the app."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
