"""A pack's translations (translations/LANG/ beside the English source): read and checked
against the source. Pure (no database).

A translation holds words only: titles, lesson bodies and the quiz's texts. Which choice
is right, the minutes and the settings stay the source's, so a course is one record in
every language. A translation may lag behind its source (a lesson or a question not yet
translated): those are listed in `missing`, and a learner gets the source's words there.
Anything that does not fit the source (an unknown lesson or question, a choice too many, a
key the format does not have) is a problem, reported as `file:line: message`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from lms.courses import yaml_lines
from lms.courses.packs import (
    FRONT_MATTER,
    TITLE_LENGTH,
    UNREADABLE,
    Checker,
    CoursePack,
    PackError,
    QuestionSource,
    check_lesson_body,
    load_yaml,
    read_lesson_text,
    read_text,
)
from lms.courses.yaml_lines import Located, LocatedList
from lms.languages import LANGUAGES as SPOKEN
from lms.languages import SOURCE_LANGUAGE

# Languages a pack may be translated into: every one Postwise speaks but the source's.
LANGUAGES = {code: name for code, name in sorted(SPOKEN.items()) if code != SOURCE_LANGUAGE}
COURSE_KEYS = ("language", "title", "summary")
TEXT_KEYS = ("id", "post", "prompt", "choices", "explanation")
CHOICE_TEXT_KEYS = ("text", "feedback")


@dataclass(frozen=True)
class LessonText:
    slug: str
    title: str
    body: str


@dataclass(frozen=True)
class ChoiceText:
    text: str
    feedback: str | None


@dataclass(frozen=True)
class QuestionText:
    key: str
    prompt: str | None  # None: the source's (a scenario's default prompt, say)
    explanation: str
    post: str | None
    choices: tuple[ChoiceText, ...]


@dataclass(frozen=True)
class PackTranslation:
    language: str
    title: str
    summary: str
    lessons: tuple[LessonText, ...]
    questions: tuple[QuestionText, ...]
    missing: tuple[str, ...]  # source files or question ids with no translation yet


def read_translations(folder: Path, pack: CoursePack) -> tuple[PackTranslation, ...]:
    """Every translations/LANG/ of a pack folder, checked against `pack` (its source)."""
    root = folder / "translations"
    if not root.is_dir():
        return ()
    check = Checker()
    found = []
    for language_folder in sorted(p for p in root.iterdir() if p.is_dir()):
        files = {
            path.relative_to(language_folder).as_posix(): path.read_bytes()
            for path in sorted(language_folder.rglob("*"))
            if path.is_file()
        }
        translation = read_translation(language_folder.name, files, pack, check)
        if translation is not None:
            found.append(translation)
    if check.problems:
        raise PackError(check.problems)
    return tuple(found)


def read_translation(
    language: str, files: Mapping[str, bytes], pack: CoursePack, check: Checker
) -> PackTranslation | None:
    """One language's files (path inside translations/LANG/ → bytes), problems to `check`."""
    prefix = f"translations/{language}/"
    if language not in LANGUAGES:
        check.add(prefix, 1, f"{language!r} is not a language Postwise offers: {_offered()}")
        return None
    before = len(check.problems)
    course = _read_course(language, files, prefix, check)
    lessons, missing = _read_lessons(files, pack, prefix, check)
    questions, unasked = _read_quiz(files, pack, prefix, check)
    extra = sorted(
        name
        for name in files
        if name not in ("course.yaml", "quiz.yaml") and not name.startswith("lessons/")
    )
    for name in extra:
        check.add(prefix + name, 1, "a translation holds course.yaml, lessons/ and quiz.yaml only")
    if len(check.problems) > before or course is None:
        return None
    return PackTranslation(
        language, course[0], course[1], tuple(lessons), tuple(questions), (*missing, *unasked)
    )


def _offered() -> str:
    return ", ".join(f"{code} ({name})" for code, name in LANGUAGES.items())


def _read_course(
    language: str, files: Mapping[str, bytes], prefix: str, check: Checker
) -> tuple[str, str] | None:
    name = prefix + "course.yaml"
    found = {name: files["course.yaml"]} if "course.yaml" in files else {}
    raw = load_yaml(found, name, check)  # a missing file is reported as such
    data = None if raw is UNREADABLE else check.fields(name, raw, COURSE_KEYS)
    if data is None:
        return None
    if data.get("language") != language:
        check.add(name, data.line_of("language"), f"language must be {language!r}, its folder")
    title = check.text(name, data, "title", limit=TITLE_LENGTH)
    summary = check.text(name, data, "summary")
    return (title, summary) if title is not None and summary is not None else None


def _read_lessons(
    files: Mapping[str, bytes], pack: CoursePack, prefix: str, check: Checker
) -> tuple[list[LessonText], list[str]]:
    sources = {f"lessons/{lesson.position:02d}-{lesson.slug}.md": lesson for lesson in pack.lessons}
    lessons, missing = [], []
    for path in sorted(sources):
        if path not in files:
            missing.append(path)
    for path in sorted(name for name in files if name.startswith("lessons/")):
        name = prefix + path
        source = sources.get(path)
        if source is None:
            check.add(name, 1, "no lesson of the source has this file name; use the same names")
            continue
        text = read_text(files[path], name, check)
        lesson = _read_lesson(text, name, source.slug, check)
        if lesson is not None:
            lessons.append(lesson)
    return lessons, missing


def _read_lesson(text: str, name: str, slug: str, check: Checker) -> LessonText | None:
    lesson = read_lesson_text(text, name, ("title",), check)
    if lesson is None:
        return None
    meta, body, body_start = lesson
    title = check.text(name, meta, "title", limit=TITLE_LENGTH)
    check_lesson_body(body, name, body_start, check)
    return LessonText(slug, title, body) if title is not None and body.strip() else None


def _read_quiz(
    files: Mapping[str, bytes], pack: CoursePack, prefix: str, check: Checker
) -> tuple[list[QuestionText], list[str]]:
    sources = {question.key: question for question in pack.questions}
    name = prefix + "quiz.yaml"
    if "quiz.yaml" not in files:
        return [], sorted(sources)
    raw = load_yaml({name: files["quiz.yaml"]}, name, check)
    data = None if raw is UNREADABLE else check.fields(name, raw, ("questions",))
    if data is None:
        return [], []
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, LocatedList):
        check.add(name, data.line_of("questions"), "questions must be a list")
        return [], []
    questions = []
    for raw_question, line in zip(raw_questions, raw_questions.item_lines, strict=True):
        question = check.fields(name, raw_question, TEXT_KEYS, line)
        if question is None:
            continue
        source = sources.get(question.get("id"))
        if source is None:
            check.add(
                name,
                question.line_of("id"),
                f"no question of the source has the id {question.get('id')!r}",
            )
            continue
        parsed = _read_question(name, question, source, check)
        if parsed is not None:
            questions.append(parsed)
    translated = {q.key for q in questions}
    return questions, [key for key in sources if key not in translated]


def _read_question(
    name: str, data: Located, source: QuestionSource, check: Checker
) -> QuestionText | None:
    before = len(check.problems)
    post = check.text(name, data, "post", required=source.post is not None)
    if source.post is None and "post" in data:
        check.add(name, data.line_of("post"), "the source question has no post to translate")
    prompt = check.text(name, data, "prompt", required=False)
    explanation = check.text(name, data, "explanation")
    raw_choices = data.get("choices")
    choices: list[ChoiceText] = []
    if not isinstance(raw_choices, LocatedList) or len(raw_choices) != len(source.choices):
        check.add(
            name,
            data.line_of("choices"),
            f"choices must be a list of {len(source.choices)}, in the source's order",
        )
    else:
        for raw, line, original in zip(
            raw_choices, raw_choices.item_lines, source.choices, strict=True
        ):
            choice = check.fields(name, raw, CHOICE_TEXT_KEYS, line)
            if choice is None:
                continue
            text = check.text(name, choice, "text")
            feedback = check.text(name, choice, "feedback", required=original.feedback is not None)
            if text is not None:
                choices.append(ChoiceText(text, feedback))
    if len(check.problems) > before or explanation is None:
        return None
    return QuestionText(source.key, prompt, explanation, post, tuple(choices))


def translation_files(translation: PackTranslation, pack: CoursePack) -> dict[str, bytes]:
    """The translation's files in translations/LANG/, as `read_translation` reads them back."""
    prefix = f"translations/{translation.language}/"
    course = {"language": translation.language, "title": translation.title}
    course["summary"] = translation.summary
    files = {prefix + "course.yaml": yaml_lines.dump(course).encode()}
    positions = {lesson.slug: lesson.position for lesson in pack.lessons}
    for lesson in translation.lessons:
        meta = yaml_lines.dump({"title": lesson.title})
        name = f"{prefix}lessons/{positions[lesson.slug]:02d}-{lesson.slug}.md"
        files[name] = f"{FRONT_MATTER}{meta}---\n{lesson.body}".encode()
    if translation.questions:
        questions = [_question_data(question) for question in translation.questions]
        files[prefix + "quiz.yaml"] = yaml_lines.dump({"questions": questions}).encode()
    return files


def _question_data(question: QuestionText) -> dict[str, object]:
    data: dict[str, object] = {"id": question.key}
    if question.post is not None:
        data["post"] = question.post
    if question.prompt is not None:
        data["prompt"] = question.prompt
    data["choices"] = [
        {"text": choice.text} | ({"feedback": choice.feedback} if choice.feedback else {})
        for choice in question.choices
    ]
    data["explanation"] = question.explanation
    return data
