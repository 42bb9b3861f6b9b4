"""Courses for HR: the list with versions, creating a course, drafts and their settings.

Plain functions on a Session; they flush and never commit (the view does, once). Every edit
goes to the course's newest version, which must be a draft: published versions never change.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.audit import services as audit
from lms.authoring.errors import DraftInTheWay, EditConflict, Invalid, NoDraft, Problem, sentence
from lms.authoring.tokens import settings_token
from lms.courses.models import DRAFT, Course, CourseVersion
from lms.courses.packs import (
    COURSE_MINUTES,
    DRAW,
    KINDS,
    MAX_ATTEMPTS,
    PASS_MARK,
    SLUG_LENGTH,
    TITLE_LENGTH,
    CoursePack,
    QuizSettings,
    missing_text,
    number_problem,
    slug_problem,
)
from lms.courses.quiz_rules import SHOW_ANSWERS
from lms.courses.services import (
    ImportResult,
    UnknownCourse,
    import_pack,
    version_as_pack,
    version_from_pack,
)
from lms.courses.translations import copy_translations
from lms.db import serialize
from lms.messages import N_
from lms.people.models import Employee
from lms.textcheck import too_long

log = logging.getLogger(__name__)
# Paths under /admin/courses/ that are pages, not courses.
RESERVED_SLUGS = frozenset({"new", "upload", "preview"})


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class VersionRow:
    number: int
    status: str
    title: str
    published_at: datetime | None
    published_by: str | None  # a name; None when published from the command line
    change_note: str | None


@dataclass
class CourseRow:
    slug: str
    kind: str
    versions: list[VersionRow]  # oldest first

    @property
    def newest(self) -> VersionRow:
        return self.versions[-1]


def course_rows(session: Session, slug: str | None = None) -> list[CourseRow]:
    """Every course (or one) with each version's status, publisher and date: one query."""
    query = (
        select(Course.slug, Course.kind, CourseVersion, Employee)
        .join(CourseVersion, CourseVersion.course_id == Course.id)
        .outerjoin(Employee, Employee.id == CourseVersion.published_by_id)
        .order_by(Course.slug, CourseVersion.number)
    )
    if slug is not None:
        query = query.where(Course.slug == slug)
    rows: dict[str, CourseRow] = {}
    for course_slug, kind, version, publisher in session.execute(query):
        row = rows.setdefault(course_slug, CourseRow(course_slug, kind, []))
        row.versions.append(
            VersionRow(
                version.number,
                version.status,
                version.title,
                version.published_at,
                publisher.name if publisher is not None else None,
                version.change_note,
            )
        )
    return sorted(rows.values(), key=lambda row: row.newest.title.lower())


def course_row(session: Session, slug: str) -> CourseRow:
    """One course's versions; UnknownCourse if there is no such course."""
    rows = course_rows(session, slug)
    if not rows:
        raise UnknownCourse(f"There is no course {slug!r}.")
    return rows[0]


def newest_version(session: Session, slug: str, *, lock: bool = False) -> CourseVersion:
    """The course's newest version, loaded whole; UnknownCourse if there is no such course.

    With `lock`, edits of one course run one after the other (an advisory lock on
    PostgreSQL, the write lock on SQLite), so comparing a token and saving is atomic.
    """
    query = (
        select(CourseVersion)
        .join(Course)
        .where(Course.slug == slug)
        .order_by(CourseVersion.number.desc())
        .limit(1)
    )
    if lock:
        serialize(session, f"authoring:{slug}")
        # What another admin committed while we waited must replace anything loaded before.
        query = query.execution_options(populate_existing=True)
    version = session.scalar(query)
    if version is None:
        raise UnknownCourse(f"There is no course {slug!r}.")
    return version


def draft(session: Session, slug: str, *, lock: bool = False) -> CourseVersion:
    """The draft being edited; NoDraft if the newest version is published."""
    version = newest_version(session, slug, lock=lock)
    if version.status != DRAFT:
        raise NoDraft(slug)
    return version


def refresh(version: CourseVersion) -> None:
    """Keep the fingerprint the canonical pack's after any edit (identical imports rely on it)."""
    version.fingerprint = version_as_pack(version).fingerprint


# ---------------------------------------------------------------- creating and drafting


@dataclass(frozen=True)
class NewCourse:
    slug: str
    title: str
    kind: str
    summary: str
    minutes: int | None


def create_course(session: Session, new: NewCourse, *, actor_id: int | None) -> CourseVersion:
    """A new course with an empty version 1 draft, with the pack format's default quiz settings."""
    problems = _course_problems(session, new)
    if problems:
        raise Invalid(problems)
    course = Course(slug=new.slug, kind=new.kind)
    session.add(course)
    defaults = QuizSettings()
    version = CourseVersion(
        course=course,
        number=1,
        status=DRAFT,
        title=new.title.strip(),
        summary=new.summary.strip(),
        minutes=new.minutes,
        requires_guideline=False,
        pass_mark=defaults.pass_mark,
        max_attempts=defaults.max_attempts,
        shuffle_questions=defaults.shuffle_questions,
        shuffle_choices=defaults.shuffle_choices,
        draw=defaults.draw,
        show_answers=defaults.show_answers,
        fingerprint="",
    )
    session.add(version)
    refresh(version)
    session.flush()
    target = f"{new.title}, version 1"  # the course as people know it, not its slug
    audit.record(session, "course.created", target, actor_id=actor_id, after="draft")
    log.info("course %s created by %s", new.slug, actor_id)
    return version


def _course_problems(session: Session, new: NewCourse) -> dict[str, list[Problem]]:
    problems: dict[str, list[Problem]] = {}
    if missing_text(new.slug):
        problems["slug"] = [N_("Give the course a short name for its web address.")]
    elif message := too_long(new.slug, SLUG_LENGTH):
        problems["slug"] = [message]
    elif problem := slug_problem(new.slug):
        problems["slug"] = [sentence(problem)]
    elif new.slug in RESERVED_SLUGS or session.scalar(
        select(Course.id).where(Course.slug == new.slug)
    ):
        problems["slug"] = [
            N_("A course named '%(name)s' exists already; choose another.", name=new.slug)
        ]
    if new.kind not in KINDS:
        problems["kind"] = [N_("Choose one of: %(choices)s.", choices=", ".join(KINDS))]
    problems.update(_text_problems(title=new.title, summary=new.summary))
    if problem := number_problem(new.minutes, COURSE_MINUTES):
        problems["minutes"] = [sentence(problem)]
    return problems


def _text_problems(**texts: str | None) -> dict[str, list[Problem]]:
    problems: dict[str, list[Problem]] = {
        name: [N_("This needs some text.")] for name, text in texts.items() if missing_text(text)
    }
    if "title" not in problems and (message := too_long(texts.get("title"), TITLE_LENGTH)):
        problems["title"] = [message]
    return problems


def start_draft(session: Session, slug: str) -> tuple[CourseVersion, bool]:
    """The course's draft, made as a copy of its newest version if there is none yet.

    True with it when it was just made. A published version is never edited in place.
    """
    newest = newest_version(session, slug, lock=True)
    if newest.status == DRAFT:
        return newest, False
    copy = version_from_pack(version_as_pack(newest), newest.course, newest.number + 1)
    session.add(copy)
    session.flush()
    copy_translations(session, newest, copy)
    log.info("course %s version %d drafted from version %d", slug, copy.number, newest.number)
    return copy, True


# ---------------------------------------------------------------- settings


@dataclass(frozen=True)
class CourseSettings:
    title: str
    summary: str
    minutes: int | None
    requires_guideline: bool
    quiz: QuizSettings


def settings_problems(settings: CourseSettings) -> dict[str, list[Problem]]:
    """Field by field, the pack format's rules for course.yaml."""
    quiz = settings.quiz
    problems = _text_problems(title=settings.title, summary=settings.summary)
    for name, value, limits, optional in (
        ("minutes", settings.minutes, COURSE_MINUTES, False),
        ("pass_mark", quiz.pass_mark, PASS_MARK, False),
        ("max_attempts", quiz.max_attempts, MAX_ATTEMPTS, True),
        ("draw", quiz.draw, DRAW, True),
    ):
        if (value is not None or not optional) and (problem := number_problem(value, limits)):
            problems[name] = [sentence(problem)]
    if quiz.show_answers not in SHOW_ANSWERS:
        problems["show_answers"] = [
            N_("Choose one of: %(choices)s.", choices=", ".join(SHOW_ANSWERS))
        ]
    return problems


def update_settings(
    session: Session, slug: str, settings: CourseSettings, *, token: str
) -> CourseVersion:
    """Save the draft's settings, unless someone else saved them since `token` was taken."""
    version = draft(session, slug, lock=True)
    if settings_token(version) != token:
        raise EditConflict(version)
    problems = settings_problems(settings)
    if problems:
        raise Invalid(problems)
    quiz = settings.quiz
    version.title = settings.title.strip()
    version.summary = settings.summary.strip()
    version.minutes = settings.minutes  # type: ignore[assignment]  # checked above
    version.requires_guideline = settings.requires_guideline
    version.pass_mark = quiz.pass_mark
    version.max_attempts = quiz.max_attempts
    version.shuffle_questions = quiz.shuffle_questions
    version.shuffle_choices = quiz.shuffle_choices
    version.draw = quiz.draw
    version.show_answers = quiz.show_answers
    refresh(version)
    session.flush()
    return version


# ---------------------------------------------------------------- uploads


def upload_pack(
    session: Session, pack: CoursePack, *, replace_draft: bool, actor_id: int | None
) -> ImportResult:
    """Make a checked pack the course's draft, as `lms courses import` does.

    An import replaces an unpublished draft; here that only happens when HR said so, so
    another admin's work in progress is never overwritten unawares.
    """
    serialize(session, f"authoring:{pack.slug}")
    if session.scalar(select(Course.id).where(Course.slug == pack.slug)) is not None:
        newest = newest_version(session, pack.slug)
        if newest.status == DRAFT and newest.fingerprint != pack.fingerprint and not replace_draft:
            raise DraftInTheWay(newest.number)
    return import_pack(session, pack, publish=False, published_by=actor_id)


def suggested_slug(text: str, words: int = 6) -> str:
    """A slug made from a title or prompt, for when HR leaves the short name empty."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower())[:words])
    return slug[:SLUG_LENGTH].strip("-")
