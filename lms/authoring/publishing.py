"""Publishing a draft: checked exactly as `lms courses import` checks a pack, then made current."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from lms.authoring.errors import EditConflict, Invalid, Problem
from lms.authoring.services import draft
from lms.courses.author_notes import publishing_problems
from lms.courses.models import CourseVersion
from lms.courses.packs import PackError, pack_files, read_pack_files
from lms.courses.services import publish_version, version_as_pack
from lms.messages import N_, Message

_PLACE = re.compile(r"(?P<file>[^:]+):(?P<line>\d+): (?P<message>.*)", re.DOTALL)
_QUESTION_START = re.compile(r"- id: (?P<key>\S+)")


def publish_problems(version: CourseVersion) -> list[Problem]:
    """Why the importer would refuse this draft as a pack, each said where HR can fix it.

    The draft is written as its canonical pack and read back by the importer itself, so a
    published version is always one `lms courses import` would accept.
    """
    files = pack_files(version_as_pack(version))
    try:
        read_pack_files(files)
    except PackError as error:
        return [_placed(problem, version, files) for problem in error.problems]
    return [
        _at(file, line, version, files, message, body_line=_body_line(files[file], line))
        for file, line, message in publishing_problems(files)
    ]


def _body_line(lesson_file: bytes, line: int) -> int:
    """A lesson file's line as a line of the text HR edits (the file less its front matter)."""
    closing = lesson_file.decode().splitlines().index("---", 1)
    return line - closing - 1


def _placed(problem: str, version: CourseVersion, files: dict[str, bytes]) -> Problem:
    """`lessons/02-pitfalls.md:6: …` as `Lesson "Pitfalls": …`, and so on."""
    match = _PLACE.fullmatch(problem)
    if match is None:
        return problem
    file, line, message = match["file"], int(match["line"]), match["message"]
    return _at(file, line, version, files, message)


def _at(
    file: str,
    line: int,
    version: CourseVersion,
    files: dict[str, bytes],
    problem: str,
    *,
    body_line: int | None = None,
) -> Message:
    """The problem said where a pack file's line is in the editor: the settings, a question
    or a lesson (with the line of its text when that is known)."""
    if file == "course.yaml":
        return N_("Settings: %(problem)s", problem=problem)
    if file == "quiz.yaml":
        key = _question_at(files[file].decode(), line)
        if key is None:
            return N_("Quiz: %(problem)s", problem=problem)
        return N_("Question “%(key)s”: %(problem)s", key=key, problem=problem)
    if file == "lessons/":
        return N_("Lessons: %(problem)s", problem=problem)
    slug = file.removeprefix("lessons/")[3:].removesuffix(".md")
    title = next((lesson.title for lesson in version.lessons if lesson.slug == slug), slug)
    if body_line is None:
        return N_("Lesson “%(title)s”: %(problem)s", title=title, problem=problem)
    return N_(
        "Lesson “%(title)s”, line %(line)d: %(problem)s",
        title=title,
        line=body_line,
        problem=problem,
    )


def _question_at(quiz_yaml: str, line: int) -> str | None:
    key = None
    for text in quiz_yaml.splitlines()[:line]:
        if match := _QUESTION_START.match(text):
            key = match["key"]
    return key


def publish_draft(
    session: Session,
    slug: str,
    *,
    fingerprint: str,
    note: str,
    requires_reacknowledgement: bool,
    actor_id: int | None,
) -> CourseVersion:
    """Publish the draft HR reviewed (its fingerprint) if it is complete; older versions retire."""
    version = draft(session, slug, lock=True)
    if version.fingerprint != fingerprint:
        raise EditConflict(version)
    problems: dict[str, list[Problem]] = {}
    if not note.strip():
        problems["note"] = [N_("Say in a sentence what changed; it goes into the version history.")]
    if requires_reacknowledgement and version.course.kind != "guideline":
        problems["requires_reacknowledgement"] = [
            N_("Only a guideline asks everyone to acknowledge it again.")
        ]
    if found := publish_problems(version):
        problems["draft"] = found
    if problems:
        raise Invalid(problems)
    publish_version(
        session,
        version,
        published_by=actor_id,
        note=note.strip(),
        requires_reacknowledgement=requires_reacknowledgement,
    )
    return version
