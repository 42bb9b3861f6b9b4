"""A learner's courses: what is assigned, how far they are, marking lessons done, completion."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.orm import Session, aliased, lazyload

from lms import clock
from lms.courses.models import (
    PUBLISHED,
    RETIRED,
    WITHOUT_CONTENT,
    Course,
    CourseVersion,
    Lesson,
    Question,
)
from lms.courses.services import current_versions
from lms.events import ENROLLMENT_COMPLETED, record_event
from lms.learning import guideline
from lms.learning.announce import completion_facts
from lms.learning.certificates import issue_certificate
from lms.learning.models import Enrollment, LessonProgress, QuizAttempt
from lms.learning.statuses import STATUSES, status_of
from lms.people.models import Employee

log = logging.getLogger(__name__)

TAKEN = (PUBLISHED, RETIRED)  # the statuses of versions learners may be taking
# The course and lesson pages show the lessons and at most one lesson's knowledge check: the
# questions and their choices, most of a version's rows, stay unloaded until asked for.
_WITHOUT_QUESTIONS = (lazyload(CourseVersion.questions),)


class NotAvailable(LookupError):
    """The course or lesson is not open to this person (answered as 404)."""


@dataclass(frozen=True)
class CourseProgress:
    enrollment: Enrollment
    course: Course
    version: CourseVersion  # the one started, or the current one for those not started
    lessons_total: int
    lessons_done: int
    status: str


# My learning is the page everyone opens first: one statement, built once, at import.
_newest_published = aliased(CourseVersion, name="newest_published")
_current_version_id = (
    select(_newest_published.id)
    .where(
        _newest_published.course_id == Enrollment.course_id,
        _newest_published.status == PUBLISHED,
    )
    .order_by(_newest_published.number.desc())
    .limit(1)
    .correlate(Enrollment)
    .scalar_subquery()
)
_lessons_done = (
    select(func.count())
    .where(LessonProgress.enrollment_id == Enrollment.id)
    .correlate(Enrollment)
    .scalar_subquery()
)
_lessons_total = (
    select(func.count())
    .where(Lesson.version_id == CourseVersion.id)
    .correlate(CourseVersion)
    .scalar_subquery()
)
# Each enrollment with its course and the version it takes: the one started, or else the
# course's current one (none if nothing is published yet).
_MY_COURSES = (
    select(Enrollment, Course, CourseVersion, _lessons_done, _lessons_total)
    .join(Course, Enrollment.course_id == Course.id)
    .outerjoin(
        CourseVersion,
        CourseVersion.id == func.coalesce(Enrollment.version_id, _current_version_id),
    )
    .where(Enrollment.employee_id == bindparam("employee_id"), Enrollment.withdrawn_at.is_(None))
    .order_by(Enrollment.cycle)
    .options(*WITHOUT_CONTENT)
)


def my_learning(session: Session, employee_id: int) -> list[CourseProgress]:
    """A person's courses, overdue first, then by due date; one query whatever the count."""
    rows = session.execute(_MY_COURSES, {"employee_id": employee_id}).all()
    # Earlier cycles of a recertifying course are history; the list shows the latest.
    latest = {row[1].id: row for row in rows}  # by course
    now = clock.now()
    progress = [
        CourseProgress(
            enrollment=enrollment,
            course=course,
            version=version,
            lessons_total=total,
            lessons_done=done,
            status=status_of(enrollment, now),
        )
        for enrollment, course, version, done, total in latest.values()
        if version is not None  # a course with nothing published yet
    ]
    far_future = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(
        progress,
        key=lambda p: (
            STATUSES.index(p.status),
            p.enrollment.due_at or far_future,
            p.version.title,
        ),
    )


def catalogue(session: Session, employee_id: int) -> list[CourseVersion]:
    """Published courses this person is not enrolled in, to take by choice (a course HR
    withdrew is offered again)."""
    enrolled = set(
        session.scalars(
            select(Enrollment.course_id).where(
                Enrollment.employee_id == employee_id, Enrollment.withdrawn_at.is_(None)
            )
        )
    )
    return sorted(
        (
            version
            for version in current_versions(session, with_content=False).values()
            if version.course_id not in enrolled and version.course.kind == "course"
        ),
        key=lambda version: version.title,
    )


def enroll_self(session: Session, employee_id: int, slug: str) -> Enrollment:
    """Enrol someone in a published course they chose (no due date); idempotent.

    A course HR withdrew is taken up again where it was left: the same enrollment reopened
    (its progress kept), now chosen by the person, so no rule or due date applies to it.
    """
    course = session.scalar(select(Course).where(Course.slug == slug))
    if course is None or course.id not in current_versions(session):
        raise NotAvailable(slug)
    session.execute(select(Employee.id).where(Employee.id == employee_id).with_for_update())
    latest = session.scalar(
        select(Enrollment)
        .where(Enrollment.employee_id == employee_id, Enrollment.course_id == course.id)
        .order_by(Enrollment.cycle.desc())
        .limit(1)
    )
    if latest is not None and latest.withdrawn_at is None:
        return latest
    if latest is not None and latest.completed_at is None:
        latest.withdrawn_at, latest.due_at, latest.source = None, None, "self"
        session.flush()
        log.info("employee %s took up %s again", employee_id, slug)
        return latest
    enrollment = Enrollment(
        employee_id=employee_id,
        course_id=course.id,
        cycle=latest.cycle + 1 if latest is not None else 1,
        source="self",
        assigned_at=clock.now(),
    )
    session.add(enrollment)
    session.flush()
    log.info("employee %s enrolled in %s", employee_id, slug)
    return enrollment


def assign(
    session: Session, employee_id: int, course_id: int, due_at: datetime | None
) -> Enrollment:
    """Enrol someone in a course with a due date, unless they already are (idempotent)."""
    existing = session.scalar(
        select(Enrollment).where(
            Enrollment.employee_id == employee_id, Enrollment.course_id == course_id
        )
    )
    if existing is not None:
        return existing
    enrollment = Enrollment(
        employee_id=employee_id, course_id=course_id, assigned_at=clock.now(), due_at=due_at
    )
    session.add(enrollment)
    session.flush()
    return enrollment


def find_enrollment(
    session: Session, employee_id: int, slug: str, *, lock: bool = False
) -> Enrollment | None:
    """This person's latest enrollment in a course that is not withdrawn, if any.

    With `lock`, PostgreSQL locks the row until the transaction ends; SQLite has no
    FOR UPDATE, and begin_write already holds its database-wide write lock.
    """
    query = (
        select(Enrollment)
        .join(Course, Enrollment.course_id == Course.id)
        .where(
            Enrollment.employee_id == employee_id,
            Course.slug == slug,
            Enrollment.withdrawn_at.is_(None),
        )
        .order_by(Enrollment.cycle.desc())
        .limit(1)
    )
    return session.scalar(query.with_for_update() if lock else query)


@dataclass(frozen=True)
class CourseView:
    enrollment: Enrollment
    version: CourseVersion
    lessons: list[Lesson]
    done: set[int]  # lesson ids
    status: str
    remaining: tuple[str, ...]  # what completion still waits for: LESSONS, QUIZ, GUIDELINE
    has_quiz: bool  # whether the version ends with a final quiz

    @property
    def next_lesson(self) -> Lesson | None:
        """Where to continue: the first lesson not done yet."""
        return next((lesson for lesson in self.lessons if lesson.id not in self.done), None)


def course_view(session: Session, employee_id: int, slug: str) -> CourseView:
    """A person's course: the version they take, its lessons and which are done."""
    enrollment = find_enrollment(session, employee_id, slug)
    if enrollment is None:
        raise NotAvailable(slug)
    version = version_for(session, enrollment, questions=False)
    done = _done_lessons(session, enrollment)
    quiz = _has_quiz(session, version)
    remaining = (
        () if enrollment.completed_at else _remaining(session, enrollment, version, done, quiz)
    )
    return CourseView(
        enrollment,
        version,
        list(version.lessons),
        done,
        status_of(enrollment, clock.now()),
        remaining,
        quiz,
    )


def knowledge_check(session: Session, version: CourseVersion, lesson_slug: str) -> list[Question]:
    """The practice questions at the end of one lesson, with their choices."""
    return list(
        session.scalars(
            select(Question)
            .where(
                Question.version_id == version.id,
                Question.knowledge_check.is_(True),
                Question.lesson_slug == lesson_slug,
            )
            .order_by(Question.position)
        )
    )


def _has_quiz(session: Session, version: CourseVersion) -> bool:
    quiz_question = exists().where(
        Question.version_id == version.id, Question.knowledge_check.is_(False)
    )
    return bool(session.scalar(select(quiz_question)))


LESSONS, QUIZ, GUIDELINE = "lessons", "quiz", "guideline"


def _done_lessons(session: Session, enrollment: Enrollment) -> set[int]:
    return set(
        session.scalars(
            select(LessonProgress.lesson_id).where(LessonProgress.enrollment_id == enrollment.id)
        )
    )


def _remaining(
    session: Session,
    enrollment: Enrollment,
    version: CourseVersion,
    done: set[int],
    has_quiz: bool,
) -> tuple[str, ...]:
    """The requirements of completion not met yet: every lesson done, the quiz (if any)
    passed and, if the course asks for it, the current guideline acknowledged.

    The guideline course has one rule of its own: it is complete once the person has read
    and acknowledged the version they take (or a later one). The acknowledgement page shows
    the whole text, so acknowledging records every section as read (acknowledge_guideline),
    and nothing else (a quiz of an older version, sections ticked off one by one) counts.
    """
    if version.course.kind == "guideline":
        acknowledged = guideline.acknowledged_since(session, enrollment.employee_id, version)
        return () if acknowledged else (GUIDELINE,)
    remaining = []
    if not {lesson.id for lesson in version.lessons} <= done:
        remaining.append(LESSONS)
    if has_quiz and _passing_score(session, enrollment, version) is None:
        remaining.append(QUIZ)
    if version.requires_guideline and guideline.needs_acknowledgement(
        session, enrollment.employee_id
    ):
        remaining.append(GUIDELINE)
    return tuple(remaining)


def version_for(
    session: Session, enrollment: Enrollment, *, questions: bool = True
) -> CourseVersion:
    """The version an enrollment takes: the one started, or the current one before that.
    Without `questions`, its questions are loaded only if asked for."""
    if enrollment.version_id is not None:
        options = () if questions else _WITHOUT_QUESTIONS
        version = session.get(CourseVersion, enrollment.version_id, options=options)
    else:
        version = current_versions(session, with_content=questions).get(enrollment.course_id)
    # A retired version is still taken by whoever started it; a draft never is.
    if version is None or version.status not in TAKEN:
        raise NotAvailable(enrollment.course_id)
    return version


def mark_lesson_done(session: Session, employee_id: int, slug: str, lesson_slug: str) -> CourseView:
    """Record a lesson as done (idempotent), start the course if needed, complete it if due."""
    # Lock the enrollment first, as the quiz does: a double click (or two tabs finishing the
    # last lessons) then takes turns on PostgreSQL instead of both inserting the same row.
    find_enrollment(session, employee_id, slug, lock=True)
    view = course_view(session, employee_id, slug)
    lesson = next((lesson for lesson in view.lessons if lesson.slug == lesson_slug), None)
    if lesson is None:
        raise NotAvailable(lesson_slug)
    enrollment, now = view.enrollment, clock.now()
    if enrollment.version_id is None and enrollment.completed_at is None:
        # From now on they finish this version (a completion recorded by HR stays as it is).
        enrollment.version_id = view.version.id
        enrollment.started_at = now
    if lesson.id not in view.done:
        session.add(
            LessonProgress(enrollment_id=enrollment.id, lesson_id=lesson.id, completed_at=now)
        )
    session.flush()
    complete_if_done(session, enrollment)
    return course_view(session, employee_id, slug)


def complete_if_done(session: Session, enrollment: Enrollment) -> bool:
    """Mark an enrollment completed once nothing remains (see _remaining). True if it is
    (now or already) complete; a completion is never changed afterwards."""
    if enrollment.completed_at is not None:
        return True
    if enrollment.version_id is None:
        return False
    version = session.get(CourseVersion, enrollment.version_id)
    assert version is not None
    done = _done_lessons(session, enrollment)
    if _remaining(session, enrollment, version, done, _has_quiz(session, version)):
        return False
    enrollment.completed_at = clock.now()
    enrollment.score = _passing_score(session, enrollment, version)
    session.flush()
    record_event(session, ENROLLMENT_COMPLETED, completion_facts(session, enrollment, by_hr=False))
    issue_certificate(session, enrollment)
    log.info("employee %s completed course %s", enrollment.employee_id, enrollment.course_id)
    return True


def _passing_score(session: Session, enrollment: Enrollment, version: CourseVersion) -> int | None:
    return session.scalar(
        select(func.max(QuizAttempt.score)).where(
            QuizAttempt.enrollment_id == enrollment.id,
            QuizAttempt.version_id == version.id,
            QuizAttempt.passed.is_(True),
        )
    )


def acknowledge_guideline(
    session: Session, employee_id: int, version: CourseVersion, ip_address: str | None
) -> None:
    """Record "I have read version N and will follow it", and everything that follows from it:
    the person's guideline course taken and completed (every section read, since the page
    shows them all), and the courses that waited for the acknowledgement completed.

    The person's row is locked first, so a double click takes turns on PostgreSQL instead
    of both inserting the same acknowledgement.
    """
    session.execute(select(Employee.id).where(Employee.id == employee_id).with_for_update())
    guideline.acknowledge(session, employee_id, version, ip_address)
    open_guidelines = session.scalars(
        select(Enrollment)
        .where(
            Enrollment.employee_id == employee_id,
            Enrollment.course_id == version.course_id,
            Enrollment.completed_at.is_(None),
            Enrollment.withdrawn_at.is_(None),
        )
        .order_by(Enrollment.cycle)
    )
    now = clock.now()
    for enrollment in open_guidelines:
        if enrollment.version_id is None:
            enrollment.version_id, enrollment.started_at = version.id, now
        taken = version_for(session, enrollment, questions=False)
        done = _done_lessons(session, enrollment)
        session.add_all(
            LessonProgress(enrollment_id=enrollment.id, lesson_id=lesson.id, completed_at=now)
            for lesson in taken.lessons
            if lesson.id not in done
        )
    session.flush()
    complete_waiting_courses(session, employee_id)


def complete_waiting_courses(session: Session, employee_id: int) -> None:
    """After an acknowledgement, complete the courses that were only waiting for it."""
    for enrollment in session.scalars(
        select(Enrollment).where(
            Enrollment.employee_id == employee_id, Enrollment.completed_at.is_(None)
        )
    ):
        complete_if_done(session, enrollment)
