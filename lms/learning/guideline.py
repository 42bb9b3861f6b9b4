"""The company guideline: which version is current, who must acknowledge it, what changed."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session

from lms import clock
from lms.courses.models import PUBLISHED, RETIRED, WITHOUT_CONTENT, Course, CourseVersion
from lms.courses.textdiff import ChangedLine, line_changes
from lms.events import ATTESTATION_RECORDED, record_event
from lms.learning.announce import learning_facts
from lms.learning.models import Attestation

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GuidelineStatus:
    current: CourseVersion
    acknowledged: CourseVersion | None  # the newest version this person acknowledged
    must_acknowledge: bool

    @property
    def is_reacknowledgement(self) -> bool:
        return self.must_acknowledge and self.acknowledged is not None


_PUBLISHED_GUIDELINES = {
    with_content: select(CourseVersion)
    .join(Course)
    .where(Course.kind == "guideline", CourseVersion.status.in_((PUBLISHED, RETIRED)))
    .order_by(CourseVersion.number)
    .options(*(() if with_content else WITHOUT_CONTENT))
    for with_content in (True, False)
}
# The versions with whether one person acknowledged each: one statement for My learning.
_PUBLISHED_FOR_ONE = {
    with_content: statement.add_columns(
        exists()
        .where(
            Attestation.employee_id == bindparam("employee_id"),
            Attestation.version_id == CourseVersion.id,
        )
        .label("acknowledged")
    )
    for with_content, statement in _PUBLISHED_GUIDELINES.items()
}


def published_guideline_versions(
    session: Session, *, with_content: bool = True
) -> list[CourseVersion]:
    """Every guideline version ever published, oldest first (empty if there is none).

    Retired versions count: an acknowledgement of one stays valid until a newer version
    asks for re-acknowledgement, and what changed since it is shown from it. Without
    content, their sections are left unloaded (see WITHOUT_CONTENT).
    """
    return list(session.scalars(_PUBLISHED_GUIDELINES[with_content]))


def still_valid(versions: list[CourseVersion]) -> list[CourseVersion]:
    """The published versions (oldest first) whose acknowledgement still counts: an
    acknowledgement stays valid until a version marked "requires re-acknowledgement"."""
    if not versions:
        return []
    baseline = max(
        (v.number for v in versions if v.requires_reacknowledgement), default=versions[0].number
    )
    return [version for version in versions if version.number >= baseline]


def guideline_status(
    session: Session, employee_id: int, *, with_content: bool = True
) -> GuidelineStatus | None:
    """Where a person stands with the current guideline; None if no guideline is published."""
    rows = session.execute(_PUBLISHED_FOR_ONE[with_content], {"employee_id": employee_id}).all()
    if not rows:
        return None
    versions = [version for version, _ in rows]
    current = versions[-1]
    valid = {version.id for version in still_valid(versions)}
    # Oldest first, so the last acknowledged is the newest.
    acknowledged = next((version for version, done in reversed(rows) if done), None)
    must = acknowledged is None or acknowledged.id not in valid
    return GuidelineStatus(current, acknowledged, must)


def needs_acknowledgement(session: Session, employee_id: int) -> bool:
    """True if a guideline is published and this person has no valid acknowledgement of it."""
    status = guideline_status(session, employee_id, with_content=False)
    return status is not None and status.must_acknowledge


def acknowledged_since(session: Session, employee_id: int, version: CourseVersion) -> bool:
    """Whether this person acknowledged this guideline version or a later one.

    This is what completes an enrollment in the guideline course: a newer version read and
    acknowledged covers the one the enrollment started with.
    """
    later = select(CourseVersion.id).where(
        CourseVersion.course_id == version.course_id, CourseVersion.number >= version.number
    )
    return bool(
        session.scalar(
            select(
                exists().where(
                    Attestation.employee_id == employee_id, Attestation.version_id.in_(later)
                )
            )
        )
    )


def acknowledge(
    session: Session, employee_id: int, version: CourseVersion, ip_address: str | None
) -> Attestation:
    """Record "I have read version N and will follow it" (idempotent per version)."""
    existing = session.scalar(
        select(Attestation).where(
            Attestation.employee_id == employee_id, Attestation.version_id == version.id
        )
    )
    if existing is not None:
        return existing
    attestation = Attestation(
        employee_id=employee_id,
        version_id=version.id,
        acknowledged_at=clock.now(),
        ip_address=ip_address,
    )
    session.add(attestation)
    session.flush()
    record_event(
        session,
        ATTESTATION_RECORDED,
        learning_facts(session, employee_id, version.id)
        | {"attestation_id": attestation.id, "acknowledged_at": attestation.acknowledged_at},
    )
    log.info("employee %s acknowledged guideline version %d", employee_id, version.number)
    return attestation


def guideline_text(version: CourseVersion) -> list[str]:
    """The guideline as lines of Markdown, section by section (what a diff compares)."""
    lines: list[str] = []
    for lesson in version.lessons:
        lines.append(f"# {lesson.title}")
        lines.extend(lesson.body_markdown.splitlines())
        lines.append("")
    return lines


def changes_between(old: CourseVersion, new: CourseVersion) -> list[list[ChangedLine]]:
    """What changed from one version to another, as groups of lines with a little context."""
    return line_changes(guideline_text(old), guideline_text(new))
