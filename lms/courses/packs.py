"""Course packs as files: read and check a pack folder, write one back. Pure (no database).

`read_pack` (a folder) and `read_pack_files` (the same files as a mapping, say from a zip)
check everything and raise PackError listing every problem as `file:line: message`;
`pack_files` is the one canonical way a pack is written, so an import followed by an export
gives the same bytes. The small `*_problem` functions are the rules themselves, shared with
the HR editor so a form is exactly as strict as an import.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lms.courses import yaml_lines
from lms.courses.markdown import unsafe_markup
from lms.courses.quiz_rules import (
    QUESTION_KINDS,
    SHOW_ANSWERS,
    default_prompt_for,
    knowledge_check_problem,
    question_problems,
)
from lms.courses.yaml_lines import Located, LocatedList, YamlProblem
from lms.textcheck import first_unstorable, without_unstorable

TOPICS = (
    "why-social",
    "purpose",
    "pitfalls",
    "adding-value",
    "sharing-opportunity",
    "guideline-compliance",
    "getting-started",
    "recognition",
)
KINDS = ("course", "guideline")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
LESSON_FILE = re.compile(r"(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md")
FRONT_MATTER = "---\n"
COURSE_KEYS = ("slug", "title", "summary", "minutes", "kind", "requires_guideline", "quiz")
QUIZ_KEYS = ("pass_mark", "max_attempts", "shuffle_questions", "shuffle_choices", "draw")
LESSON_KEYS = ("title", "topic", "minutes")
QUESTION_KEYS = (
    "id",
    "kind",
    "lesson",
    "knowledge_check",
    "post_kind",
    "post",
    "prompt",
    "choices",
    "explanation",
)
CHOICE_KEYS = ("text", "correct", "feedback")
# (lowest, highest) whole numbers allowed; None is allowed where the pack format says so.
COURSE_MINUTES = (1, 10_000)
LESSON_MINUTES = (1, 600)
PASS_MARK = (1, 100)
MAX_ATTEMPTS = (1, 100)
DRAW = (1, 1000)
# The longest text each database column takes (tests/courses/test_packs.py holds these to
# the models' String(n), so a pack that checks out always fits).
TITLE_LENGTH = 200
SLUG_LENGTH = 100


# ---------------------------------------------------------------- the rules


def slug_problem(value: str) -> str | None:
    """Why a slug (a course's, a lesson's, a question's id) is not allowed, or None."""
    if problem := length_problem(value, SLUG_LENGTH):
        return problem
    if SLUG.fullmatch(value):
        return None
    return f"{value!r} must be lower-case letters, digits and hyphens"


def length_problem(value: str, limit: int) -> str | None:
    """Why a text is too long for its column, or None (the text itself is not repeated)."""
    if len(value) <= limit:
        return None
    return f"is {len(value):,} characters; at most {limit}"


def number_problem(value: object, limits: tuple[int, int]) -> str | None:
    """Why a value is not a whole number within limits, or None."""
    low, high = limits
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return f"must be a whole number from {low} to {high}, not {value!r}"
    return None


def topic_problem(topic: object) -> str | None:
    """Why a lesson topic is unknown, or None."""
    if topic in TOPICS:
        return None
    return f"unknown topic {topic!r}; use one of {', '.join(TOPICS)}"


def missing_text(value: object) -> bool:
    """True if a required text is absent or blank."""
    return value is None or (isinstance(value, str) and not value.strip())


def draw_problem(draw: int | None, final_questions: int | None) -> str | None:
    """Why a quiz cannot draw this many questions from its pool, or None."""
    if draw is None or final_questions is None or draw <= final_questions:
        return None
    return f"quiz draw is {draw} but quiz.yaml has only {final_questions} questions"


def lesson_cover_problem(draw: int | None, lessons_in_quiz: int) -> str | None:
    """Why a quiz drawing this many questions cannot ask about each of its lessons, or None.

    An attempt draws a fair share from every lesson that has final-quiz questions, so it
    needs at least one question per lesson to cover them all.
    """
    if draw is None or draw >= lessons_in_quiz:
        return None
    return (
        f"quiz draw is {draw} but the final quiz has questions from {lessons_in_quiz} "
        f"lessons; draw at least {lessons_in_quiz} so every attempt asks about each lesson"
    )


@dataclass(frozen=True)
class QuizSettings:
    pass_mark: int = 80
    max_attempts: int | None = 3
    shuffle_questions: bool = True
    shuffle_choices: bool = True
    draw: int | None = None
    show_answers: str = "after_passing"


@dataclass(frozen=True)
class LessonSource:
    position: int
    slug: str
    title: str
    topic: str
    minutes: int
    body: str


@dataclass(frozen=True)
class ChoiceSource:
    text: str
    correct: bool = False
    feedback: str | None = None


@dataclass(frozen=True)
class QuestionSource:
    key: str
    kind: str
    prompt: str
    choices: tuple[ChoiceSource, ...]
    explanation: str
    lesson: str | None = None
    post: str | None = None
    post_kind: str | None = None
    # Asked at the end of its lesson, for practice; not part of the final quiz.
    knowledge_check: bool = False


@dataclass(frozen=True)
class CoursePack:
    slug: str
    title: str
    summary: str
    minutes: int
    kind: str
    requires_guideline: bool
    quiz: QuizSettings
    lessons: tuple[LessonSource, ...]
    questions: tuple[QuestionSource, ...]

    @property
    def fingerprint(self) -> str:
        """Identical packs have identical fingerprints (what an import compares)."""
        digest = hashlib.sha256()
        for name, content in sorted(pack_files(self).items()):
            digest.update(name.encode() + b"\0" + content + b"\0")
        return digest.hexdigest()


class PackError(Exception):
    """The pack cannot be imported; `problems` lists each as `file:line: message`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# ---------------------------------------------------------------- reading


class Checker:
    """Collects problems as `file:line: message` while the pack is read."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, file: str, line: int, message: str) -> None:
        self.problems.append(f"{file}:{line}: {message}")

    def fields(
        self, file: str, mapping: Any, allowed: tuple[str, ...], line: int = 1
    ) -> Located | None:
        """The mapping if it is one, with unknown keys reported (a typo must not pass silently)."""
        if not isinstance(mapping, Located):
            self.add(file, line, f"expected a mapping with the keys {', '.join(allowed)}")
            return None
        for key in mapping:
            if key not in allowed:
                self.add(
                    file,
                    mapping.line_of(key),
                    f"unknown key {key!r}; expected one of {', '.join(allowed)}",
                )
        return mapping

    def text(
        self,
        file: str,
        mapping: Located,
        key: str,
        *,
        required: bool = True,
        limit: int | None = None,
    ) -> str | None:
        value = mapping.get(key)
        if missing_text(value):
            if required:
                self.add(file, mapping.line_of(key), f"{key} is missing; it needs some text")
            return None
        if not isinstance(value, str):
            self.add(file, mapping.line_of(key), f"{key} must be text, not {value!r}")
            return None
        value = value.strip()  # `>` and `|` blocks end in a newline that means nothing here
        if limit is not None and (problem := length_problem(value, limit)):
            self.add(file, mapping.line_of(key), f"{key} {problem}")
            return None
        return value

    def number(
        self, file: str, mapping: Located, key: str, limits: tuple[int, int], default: Any = ...
    ) -> int | None:
        if key not in mapping and default is not ...:
            return default
        value = mapping.get(key)
        if value is None and default is None:
            return None
        problem = number_problem(value, limits)
        if problem:
            self.add(file, mapping.line_of(key), f"{key} {problem}")
            return None
        return value

    def flag(self, file: str, mapping: Located, key: str, default: bool) -> bool:
        value = mapping.get(key, default)
        if not isinstance(value, bool):
            self.add(file, mapping.line_of(key), f"{key} must be true or false, not {value!r}")
            return default
        return value


def read_pack(folder: Path) -> CoursePack:
    """Read and check a pack folder; raise PackError listing every problem found."""
    if not folder.is_dir():
        raise PackError([f"{folder}: not a folder; a pack is a folder with course.yaml in it"])
    files = {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in [folder / "course.yaml", folder / "quiz.yaml", *folder.glob("lessons/*.md")]
        if path.is_file()
    }
    return read_pack_files(files)


def read_pack_files(files: Mapping[str, bytes]) -> CoursePack:
    """Check a pack given as its files (path relative to the pack folder → bytes).

    The paths that matter are course.yaml, quiz.yaml and lessons/NN-slug.md; anything else
    is ignored, as it is in a folder. Raises PackError listing every problem found.
    """
    check = Checker()
    course = _read_course(files, check)
    lessons, lesson_slugs = _read_lessons(files, check)
    kind = course["kind"] if course is not None else None
    questions, entries, quiz_lessons = _read_quiz(files, check, lesson_slugs, kind)
    draw = course["quiz"].draw if course is not None else None
    problem = draw_problem(draw, entries) or lesson_cover_problem(draw, quiz_lessons)
    if problem:
        assert course is not None
        check.add("course.yaml", course["draw_line"], problem)
    if check.problems or course is None:
        raise PackError(check.problems)
    return CoursePack(
        slug=course["slug"],
        title=course["title"],
        summary=course["summary"],
        minutes=course["minutes"],
        kind=course["kind"],
        requires_guideline=course["requires_guideline"],
        quiz=course["quiz"],
        lessons=tuple(lessons),
        questions=tuple(questions),
    )


UNREADABLE = object()  # load_yaml's answer when the problem is already recorded


def load_yaml(files: Mapping[str, bytes], name: str, check: Checker) -> Any:
    if name not in files:
        check.add(name, 1, "the file is missing")
        return UNREADABLE
    try:
        return yaml_lines.load(read_text(files[name], name, check))
    except YamlProblem as problem:
        check.add(name, problem.line, str(problem))
        return UNREADABLE


def read_text(content: bytes, name: str, check: Checker) -> str:
    try:
        # Universal newlines, as Path.read_text gives: a file saved on Windows reads the same.
        text = content.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        check.add(name, 1, "the file is not UTF-8 text")
        return ""
    if (bad := first_unstorable(text)) is not None:
        check.add(
            name,
            bad.line,
            f"column {bad.column} holds {bad.name}, which no database can store; remove it",
        )
        # Read on without it, so the file's other problems are listed too.
        text = without_unstorable(text)
    return text


def _read_course(files: Mapping[str, bytes], check: Checker) -> dict[str, Any] | None:
    name = "course.yaml"
    raw = load_yaml(files, name, check)
    data = None if raw is UNREADABLE else check.fields(name, raw, COURSE_KEYS)
    if data is None:
        return None
    slug = check.text(name, data, "slug")
    if slug is not None and (problem := slug_problem(slug)):
        check.add(name, data.line_of("slug"), f"slug {problem}")
    kind = data.get("kind", "course")
    if kind not in KINDS:
        check.add(name, data.line_of("kind"), f"kind {kind!r} must be one of {', '.join(KINDS)}")
    quiz_data = (
        check.fields(
            name, data.get("quiz", Located()), (*QUIZ_KEYS, "show_answers"), data.line_of("quiz")
        )
        if "quiz" in data
        else _empty()
    )
    quiz = QuizSettings()
    if quiz_data is not None:
        show = quiz_data.get("show_answers", quiz.show_answers)
        if show not in SHOW_ANSWERS:
            check.add(
                name,
                quiz_data.line_of("show_answers"),
                f"show_answers {show!r} must be one of {', '.join(SHOW_ANSWERS)}",
            )
        quiz = QuizSettings(
            pass_mark=check.number(name, quiz_data, "pass_mark", PASS_MARK, quiz.pass_mark)
            or quiz.pass_mark,
            max_attempts=check.number(
                name, quiz_data, "max_attempts", MAX_ATTEMPTS, quiz.max_attempts
            )
            if quiz_data.get("max_attempts", 0) is not None
            else None,
            shuffle_questions=check.flag(
                name, quiz_data, "shuffle_questions", quiz.shuffle_questions
            ),
            shuffle_choices=check.flag(name, quiz_data, "shuffle_choices", quiz.shuffle_choices),
            draw=check.number(name, quiz_data, "draw", DRAW, None)
            if quiz_data.get("draw") is not None
            else None,
            show_answers=show,
        )
    return {
        "slug": slug,
        "title": check.text(name, data, "title", limit=TITLE_LENGTH),
        "summary": check.text(name, data, "summary"),
        "minutes": check.number(name, data, "minutes", COURSE_MINUTES),
        "kind": kind,
        "requires_guideline": check.flag(name, data, "requires_guideline", False),
        "quiz": quiz,
        "draw_line": quiz_data.line_of("draw") if quiz_data is not None else 1,
    }


def _empty() -> Located:
    empty = Located()
    empty.line, empty.key_lines = 1, {}
    return empty


def _read_lessons(
    files: Mapping[str, bytes], check: Checker
) -> tuple[list[LessonSource], set[str]]:
    """The well-formed lessons, and the slug of every lesson file (for the quiz to name)."""
    names = sorted(
        name
        for name in files
        if name.startswith("lessons/") and name.endswith(".md") and name.count("/") == 1
    )
    if not names:
        check.add("lessons/", 1, "a pack needs at least one lesson, as lessons/01-slug.md")
        return [], set()
    lessons, seen_slugs, seen_positions = [], {}, {}
    for name in names:
        file_name = name.removeprefix("lessons/")
        match = LESSON_FILE.fullmatch(file_name)
        if match is None:
            check.add(name, 1, "lesson files are named NN-slug.md, e.g. 01-why-social.md")
            continue
        position, slug = int(match.group(1)), match.group(2)
        if problem := length_problem(slug, SLUG_LENGTH):
            check.add(name, 1, f"the slug in the file name {problem}")
            continue
        if slug in seen_slugs:
            check.add(name, 1, f"the slug {slug!r} is already used by {seen_slugs[slug]}")
        if position in seen_positions:
            check.add(
                name, 1, f"the number {position:02d} is already used by {seen_positions[position]}"
            )
        seen_slugs.setdefault(slug, name)
        seen_positions.setdefault(position, name)
        lesson = _read_lesson(files[name], name, position, slug, check)
        if lesson is not None:
            lessons.append(lesson)
    return lessons, set(seen_slugs)


def _read_lesson(
    content: bytes, name: str, position: int, slug: str, check: Checker
) -> LessonSource | None:
    text = read_text(content, name, check)
    lesson = read_lesson_text(text, name, LESSON_KEYS, check)
    if lesson is None:
        return None
    meta, body, body_start = lesson
    title = check.text(name, meta, "title", limit=TITLE_LENGTH)
    topic = meta.get("topic")
    if problem := topic_problem(topic):
        check.add(name, meta.line_of("topic"), problem)
    minutes = check.number(name, meta, "minutes", LESSON_MINUTES)
    check_lesson_body(body, name, body_start, check)
    if title is None or minutes is None or topic not in TOPICS or not body.strip():
        return None
    return LessonSource(position, slug, title, topic, minutes, body)


def read_lesson_text(
    text: str, name: str, keys: tuple[str, ...], check: Checker
) -> tuple[Located, str, int] | None:
    """A lesson file's front matter (only `keys` allowed), its Markdown body and the line the
    body starts on; problems go to `check`. None when the front matter cannot be read."""
    if not text.startswith(FRONT_MATTER):
        check.add(
            name,
            1,
            f"a lesson starts with front matter: a line '---', {_listed(keys)}, then '---'",
        )
        return None
    end = text.find("\n---\n", len(FRONT_MATTER) - 1)
    if end == -1:
        check.add(name, 1, "the front matter is not closed: add a line '---' after it")
        return None
    header, body = text[len(FRONT_MATTER) : end + 1], text[end + len("\n---\n") :]
    try:
        # A blank first line stands for the opening ---, so YAML's lines are the file's.
        meta = yaml_lines.load("\n" + header)
    except YamlProblem as problem:
        check.add(name, problem.line, str(problem))
        return None
    meta = check.fields(name, meta, keys, line=2)
    if meta is None:
        return None
    return meta, body, header.count("\n") + 3


def check_lesson_body(body: str, name: str, body_start: int, check: Checker) -> None:
    """A lesson's body holds text, and no markup the sanitiser would drop."""
    if not body.strip():
        check.add(name, body_start, "the lesson has no text after its front matter")
    for problem in unsafe_markup(body):
        check.add(name, body_start + problem.line - 1, problem.message)


def _listed(words: tuple[str, ...]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _read_quiz(
    files: Mapping[str, bytes], check: Checker, lesson_slugs: set[str], kind: str | None
) -> tuple[list[QuestionSource], int | None, int]:
    """The well-formed questions, how many the final quiz holds (None if the file cannot be
    read) and how many lessons its questions name.

    A guideline is completed by reading and acknowledging it, so its questions can only be
    knowledge checks: a final quiz would be a second, contradicting rule for completing it.
    """
    name = "quiz.yaml"
    if name not in files:
        return [], 0, 0
    raw = load_yaml(files, name, check)
    data = None if raw is UNREADABLE else check.fields(name, raw, ("questions",))
    if data is None:
        return [], None, 0
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, LocatedList) or not raw_questions:
        check.add(
            name, data.line_of("questions"), "questions must be a list with at least one question"
        )
        return [], 0, 0
    questions, seen = [], {}
    for raw_question, line in zip(raw_questions, raw_questions.item_lines, strict=True):
        question = check.fields(name, raw_question, QUESTION_KEYS, line)
        if question is None:
            continue
        parsed = _read_question(name, question, check, lesson_slugs)
        if parsed is None:
            continue
        if parsed.key in seen:
            check.add(
                name,
                question.line_of("id"),
                f"the id {parsed.key!r} is already used at line {seen[parsed.key]}",
            )
        seen.setdefault(parsed.key, question.line_of("id"))
        if kind == "guideline" and not parsed.knowledge_check:
            check.add(
                name,
                line,
                "a guideline is completed by acknowledging it and has no final quiz: "
                "add `knowledge_check: true` to this question",
            )
        questions.append(parsed)
    final_quiz = [
        r for r in raw_questions if not (isinstance(r, dict) and r.get("knowledge_check"))
    ]
    named = (r.get("lesson") for r in final_quiz if isinstance(r, dict))
    lessons = {lesson for lesson in named if isinstance(lesson, str) and lesson}
    return questions, len(final_quiz), len(lessons)


def _read_question(
    name: str, data: Located, check: Checker, lesson_slugs: set[str]
) -> QuestionSource | None:
    before = len(check.problems)
    key = check.text(name, data, "id")
    if key is not None and (problem := slug_problem(key)):
        check.add(name, data.line_of("id"), f"id {problem}")
    kind = data.get("kind")
    if kind not in QUESTION_KINDS:
        check.add(
            name, data.line_of("kind"), f"kind {kind!r} must be one of {', '.join(QUESTION_KINDS)}"
        )
    lesson = data.get("lesson")
    if lesson is not None and lesson not in lesson_slugs:
        check.add(
            name,
            data.line_of("lesson"),
            f"lesson {lesson!r} is not a lesson in this pack; name it by its slug, the "
            "file name without number and .md (lessons/03-pitfalls.md is 'pitfalls')",
        )
    knowledge_check = check.flag(name, data, "knowledge_check", False)
    if problem := knowledge_check_problem(knowledge_check, lesson):
        check.add(name, data.line_of("knowledge_check"), problem)
    default_prompt = default_prompt_for(kind)
    prompt = check.text(name, data, "prompt", required=default_prompt is None) or default_prompt
    explanation = check.text(name, data, "explanation")
    post = check.text(name, data, "post", required=False)
    post_kind = data.get("post_kind")
    choices = _read_choices(name, data, check)
    for message in question_problems(kind, post, post_kind, [(c.text, c.correct) for c in choices]):
        check.add(name, data.line, message)
    if len(check.problems) > before or key is None or prompt is None or explanation is None:
        return None
    return QuestionSource(
        key=key,
        kind=kind,
        prompt=prompt,
        choices=tuple(choices),
        explanation=explanation,
        knowledge_check=knowledge_check,
        lesson=lesson,
        post=post,
        post_kind=post_kind,
    )


def _read_choices(name: str, data: Located, check: Checker) -> list[ChoiceSource]:
    raw_choices = data.get("choices")
    if not isinstance(raw_choices, LocatedList):
        check.add(name, data.line_of("choices"), "choices must be a list of at least two choices")
        return []
    choices = []
    for raw, line in zip(raw_choices, raw_choices.item_lines, strict=True):
        choice = check.fields(name, raw, CHOICE_KEYS, line)
        if choice is None:
            continue
        text = check.text(name, choice, "text")
        correct = check.flag(name, choice, "correct", False)
        feedback = check.text(name, choice, "feedback", required=False)
        if text is not None:
            choices.append(ChoiceSource(text, correct, feedback))
    return choices


# ---------------------------------------------------------------- writing


def pack_files(pack: CoursePack) -> dict[str, bytes]:
    """Every file of the pack in its canonical form, by path relative to the pack folder."""
    quiz = pack.quiz
    course: dict[str, Any] = {
        "slug": pack.slug,
        "title": pack.title,
        "summary": pack.summary,
        "minutes": pack.minutes,
        "kind": pack.kind,
        "requires_guideline": pack.requires_guideline,
        "quiz": {
            "pass_mark": quiz.pass_mark,
            "max_attempts": quiz.max_attempts,
            "shuffle_questions": quiz.shuffle_questions,
            "shuffle_choices": quiz.shuffle_choices,
            "draw": quiz.draw,
            "show_answers": quiz.show_answers,
        },
    }
    files = {"course.yaml": yaml_lines.dump(course).encode()}
    for lesson in pack.lessons:
        meta = yaml_lines.dump(
            {"title": lesson.title, "topic": lesson.topic, "minutes": lesson.minutes}
        )
        text = f"{FRONT_MATTER}{meta}---\n{lesson.body}"
        files[f"lessons/{lesson.position:02d}-{lesson.slug}.md"] = text.encode()
    if pack.questions:
        files["quiz.yaml"] = yaml_lines.dump(
            {"questions": [_question_data(q) for q in pack.questions]}
        ).encode()
    return files


def _question_data(question: QuestionSource) -> dict[str, Any]:
    data: dict[str, Any] = {"id": question.key, "kind": question.kind}
    if question.lesson:
        data["lesson"] = question.lesson
    if question.knowledge_check:
        data["knowledge_check"] = True
    if question.post is not None:
        data["post_kind"] = question.post_kind
        data["post"] = question.post
    data["prompt"] = question.prompt
    data["choices"] = [_choice_data(choice) for choice in question.choices]
    data["explanation"] = question.explanation
    return data


def _choice_data(choice: ChoiceSource) -> dict[str, Any]:
    data: dict[str, Any] = {"text": choice.text}
    if choice.correct:
        data["correct"] = True
    if choice.feedback is not None:
        data["feedback"] = choice.feedback
    return data


def write_pack(pack: CoursePack, folder: Path) -> None:
    """Write a pack's files into a folder (created if needed; other files are left alone)."""
    for relative, content in pack_files(pack).items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
