"""Course versions: importing packs as versions, publishing, exporting, finding the current one."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from lms import clock
from lms.audit import services as audit
from lms.courses.author_notes import publishing_problems, translation_files
from lms.courses.markdown import render
from lms.courses.models import (
    DRAFT,
    PUBLISHED,
    RETIRED,
    WITHOUT_CONTENT,
    Choice,
    Course,
    CourseVersion,
    Lesson,
    Question,
)
from lms.courses.pack_translations import PackTranslation
from lms.courses.packs import (
    ChoiceSource,
    CoursePack,
    LessonSource,
    PackError,
    QuestionSource,
    QuizSettings,
    pack_files,
)
from lms.courses.translations import store_translations

log = logging.getLogger(__name__)


class UnknownCourse(LookupError):
    """No course has that slug (or no version with that number)."""


@dataclass(frozen=True)
class ImportResult:
    version: CourseVersion
    created: bool  # False when an identical version already existed


def import_pack(
    session: Session,
    pack: CoursePack,
    *,
    publish: bool,
    published_by: int | None = None,
    note: str | None = None,
    requires_reacknowledgement: bool = False,
    translations: Sequence[PackTranslation] = (),
) -> ImportResult:
    """Make a checked pack the course's newest version: a new draft, or published with `publish`.

    Its `translations` replace the version's in their languages, even when the version
    itself is unchanged: they are words, and the source they follow is the same.

    An identical pack creates nothing (publishing the draft it matches, if asked). A newer
    draft replaces an older unpublished draft rather than piling drafts up. Publishing
    refuses (PackError, nothing changed) a pack that still holds a note for HR.
    """
    files = {**pack_files(pack), **translation_files(translations)} if publish else {}
    if publish and (notes := publishing_problems(files)):
        raise PackError([f"{file}:{line}: {message}" for file, line, message in notes])
    course = session.scalar(select(Course).where(Course.slug == pack.slug))
    if course is None:
        course = Course(slug=pack.slug, kind=pack.kind)
        session.add(course)
    newest = _newest_version(session, course) if course.id else None
    created = newest is None or newest.fingerprint != pack.fingerprint
    if not created:
        assert newest is not None
        version = newest
    else:
        if newest is not None and newest.status == DRAFT:
            session.delete(newest)  # the new draft takes its place and number
            session.flush()
            number = newest.number
        else:
            number = newest.number + 1 if newest else 1
        course.kind = pack.kind
        version = version_from_pack(pack, course, number)
        session.add(version)
        session.flush()
        audit.record(
            session,
            "course.imported",
            f"{pack.title}, version {number}",
            actor_id=published_by,
            after="draft",
        )
        log.info("course %s version %d imported", pack.slug, number)
    if translations:
        store_translations(session, version, translations)
    if publish and version.status == DRAFT:
        publish_version(
            session,
            version,
            published_by=published_by,
            note=note,
            requires_reacknowledgement=requires_reacknowledgement,
        )
    return ImportResult(version, created)


def publish_version(
    session: Session,
    version: CourseVersion,
    *,
    published_by: int | None = None,
    note: str | None = None,
    requires_reacknowledgement: bool = False,
) -> None:
    """Make a draft the current version; from now on it never changes.

    Older published versions become retired: nobody starts them any more, but whoever
    started one finishes it (learning treats published and retired alike for them).
    """
    retired = list(
        session.scalars(
            select(CourseVersion).where(
                CourseVersion.course_id == version.course_id,
                CourseVersion.status == PUBLISHED,
                CourseVersion.number < version.number,
            )
        )
    )
    for older in retired:
        older.status = RETIRED
    version.status = PUBLISHED
    version.published_at = clock.now()
    version.published_by_id = published_by
    version.change_note = note
    version.requires_reacknowledgement = requires_reacknowledgement
    session.flush()
    reack = "; everyone must acknowledge it again" if requires_reacknowledgement else ""
    retiring = "".join(f"; v{older.number} retired" for older in retired)
    audit.record(
        session,
        "course.published",
        f"{version.title}, version {version.number}",
        actor_id=published_by,
        before="draft",
        after=f"published{reack}{retiring}" + (f": {note}" if note else ""),
    )
    log.info("course %s version %d published", version.course.slug, version.number)


def _newest_version(session: Session, course: Course) -> CourseVersion | None:
    return session.scalar(
        select(CourseVersion)
        .where(CourseVersion.course_id == course.id)
        .order_by(CourseVersion.number.desc())
        .limit(1)
    )


def version_from_pack(pack: CoursePack, course: Course, number: int) -> CourseVersion:
    """A new draft version holding the pack's content (lessons rendered once, here)."""
    quiz = pack.quiz
    return CourseVersion(
        course=course,
        number=number,
        status=DRAFT,
        title=pack.title,
        summary=pack.summary,
        minutes=pack.minutes,
        requires_guideline=pack.requires_guideline,
        pass_mark=quiz.pass_mark,
        max_attempts=quiz.max_attempts,
        shuffle_questions=quiz.shuffle_questions,
        shuffle_choices=quiz.shuffle_choices,
        draw=quiz.draw,
        show_answers=quiz.show_answers,
        fingerprint=pack.fingerprint,
        lessons=[
            Lesson(
                position=lesson.position,
                slug=lesson.slug,
                title=lesson.title,
                topic=lesson.topic,
                minutes=lesson.minutes,
                body_markdown=lesson.body,
                body_html=render(lesson.body),
            )
            for lesson in pack.lessons
        ],
        questions=[
            Question(
                position=position,
                key=question.key,
                kind=question.kind,
                prompt=question.prompt,
                post=question.post,
                post_kind=question.post_kind,
                explanation=question.explanation,
                lesson_slug=question.lesson,
                knowledge_check=question.knowledge_check,
                choices=[
                    Choice(
                        position=n,
                        text=choice.text,
                        is_correct=choice.correct,
                        feedback=choice.feedback,
                    )
                    for n, choice in enumerate(question.choices, start=1)
                ],
            )
            for position, question in enumerate(pack.questions, start=1)
        ],
    )


def version_as_pack(version: CourseVersion) -> CoursePack:
    """A stored version as a pack, exactly as it was imported."""
    return CoursePack(
        slug=version.course.slug,
        title=version.title,
        summary=version.summary,
        minutes=version.minutes,
        kind=version.course.kind,
        requires_guideline=version.requires_guideline,
        quiz=QuizSettings(
            pass_mark=version.pass_mark,
            max_attempts=version.max_attempts,
            shuffle_questions=version.shuffle_questions,
            shuffle_choices=version.shuffle_choices,
            draw=version.draw,
            show_answers=version.show_answers,
        ),
        lessons=tuple(
            LessonSource(
                lesson.position,
                lesson.slug,
                lesson.title,
                lesson.topic,
                lesson.minutes,
                lesson.body_markdown,
            )
            for lesson in version.lessons
        ),
        questions=tuple(
            QuestionSource(
                key=question.key,
                kind=question.kind,
                prompt=question.prompt,
                choices=tuple(
                    ChoiceSource(choice.text, choice.is_correct, choice.feedback)
                    for choice in question.choices
                ),
                explanation=question.explanation,
                lesson=question.lesson_slug,
                knowledge_check=question.knowledge_check,
                post=question.post,
                post_kind=question.post_kind,
            )
            for question in version.questions
        ),
    )


def get_version(session: Session, slug: str, number: int | None = None) -> CourseVersion:
    """A course's version by number, or its newest version; UnknownCourse if there is none."""
    query = (
        select(CourseVersion)
        .join(Course)
        .where(Course.slug == slug)
        .options(
            selectinload(CourseVersion.lessons),
            selectinload(CourseVersion.questions).selectinload(Question.choices),
        )
    )
    if number is not None:
        query = query.where(CourseVersion.number == number)
    version = session.scalar(query.order_by(CourseVersion.number.desc()).limit(1))
    if version is None:
        which = f"version {number} of " if number is not None else ""
        raise UnknownCourse(f"There is no {which}course {slug!r}.")
    return version


@dataclass
class CourseListing:
    slug: str
    kind: str
    title: str  # the newest version's
    versions: list[tuple[int, str]]  # (number, status), oldest first


def list_courses(session: Session) -> list[CourseListing]:
    """Every course with its versions and their status, for `lms courses list` and HR."""
    rows = session.execute(
        select(
            Course.slug,
            Course.kind,
            CourseVersion.number,
            CourseVersion.status,
            CourseVersion.title,
        )
        .join(CourseVersion)
        .order_by(Course.slug, CourseVersion.number)
    )
    listings: dict[str, CourseListing] = {}
    for slug, kind, number, status, title in rows:
        listing = listings.setdefault(slug, CourseListing(slug, kind, title, []))
        listing.title = title
        listing.versions.append((number, status))
    return list(listings.values())


def _current_versions_statement(*, with_content: bool) -> Select[tuple[CourseVersion]]:
    newest = (
        select(CourseVersion.course_id, func.max(CourseVersion.number).label("number"))
        .where(CourseVersion.status == PUBLISHED)
        .group_by(CourseVersion.course_id)
        .subquery()
    )
    return (
        select(CourseVersion)
        .join(
            newest,
            (CourseVersion.course_id == newest.c.course_id)
            & (CourseVersion.number == newest.c.number),
        )
        .options(joinedload(CourseVersion.course), *(() if with_content else WITHOUT_CONTENT))
    )


# Built once: nearly every learner page asks for them.
_CURRENT = {
    with_content: _current_versions_statement(with_content=with_content)
    for with_content in (True, False)
}


def current_versions(session: Session, *, with_content: bool = True) -> dict[int, CourseVersion]:
    """Each course's current version: its highest-numbered published one, by course id.

    Without content, lessons and questions are left unloaded (see WITHOUT_CONTENT).
    """
    versions = session.scalars(_CURRENT[with_content])
    return {version.course_id: version for version in versions}


def lesson_titles(session: Session) -> dict[str, str]:
    """Titles of the current versions' lessons by "course-slug/lesson-slug", for links."""
    versions = {v.id: v.course.slug for v in current_versions(session, with_content=False).values()}
    rows = session.execute(
        select(Lesson.version_id, Lesson.slug, Lesson.title).where(Lesson.version_id.in_(versions))
    )
    return {f"{versions[version]}/{lesson}": title for version, lesson, title in rows}
