"""A draft's quiz questions: add, edit, move and delete, checked by the pack format's rules."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from lms.authoring.errors import EditConflict, Gone, Invalid, Problem, sentence
from lms.authoring.ordering import move_within, remove_from
from lms.authoring.services import draft, refresh
from lms.authoring.tokens import question_token
from lms.courses.models import Choice, CourseVersion, Question
from lms.courses.packs import (
    SLUG_LENGTH,
    ChoiceSource,
    QuestionSource,
    missing_text,
    slug_problem,
)
from lms.courses.quiz_rules import (
    QUESTION_KINDS,
    default_prompt_for,
    knowledge_check_problem,
    question_field_problems,
)
from lms.messages import N_
from lms.textcheck import too_long

log = logging.getLogger(__name__)


def _clean(text: str | None) -> str | None:
    """Text as the importer keeps it: stripped, LF line endings; blank is None."""
    if text is None:
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return text or None


def normalized(data: QuestionSource) -> QuestionSource:
    """The question exactly as a pack round trip would give it back."""
    return QuestionSource(
        key=data.key.strip(),
        kind=data.kind,
        prompt=_clean(data.prompt) or default_prompt_for(data.kind) or "",
        choices=tuple(
            ChoiceSource(_clean(c.text) or "", c.correct, _clean(c.feedback)) for c in data.choices
        ),
        explanation=_clean(data.explanation) or "",
        lesson=data.lesson or None,
        post=_clean(data.post),
        post_kind=data.post_kind or None,
        knowledge_check=data.knowledge_check,
    )


def question_problems(
    version: CourseVersion, data: QuestionSource, editing: Question | None = None
) -> dict[str, list[Problem]]:
    """Field by field, what the importer would refuse in this question (data normalised)."""
    problems: dict[str, list[Problem]] = {}

    def add(field: str, message: Problem) -> None:
        problems.setdefault(field, []).append(sentence(message))

    others = {question.key for question in version.questions if question is not editing}
    if missing_text(data.key):
        add("key", N_("Give the question a short id, such as angry-reply."))
    elif message := too_long(data.key, SLUG_LENGTH):
        add("key", message)
    elif problem := slug_problem(data.key):
        add("key", problem)
    elif data.key in others:
        add(
            "key",
            N_("Another question of this course has the id '%(key)s' already.", key=data.key),
        )
    if data.kind not in QUESTION_KINDS:
        add("kind", N_("Choose one of: %(choices)s.", choices=", ".join(QUESTION_KINDS)))
    if data.lesson is not None and data.lesson not in {lesson.slug for lesson in version.lessons}:
        add("lesson", N_("Choose one of this course's lessons."))
    if problem := knowledge_check_problem(data.knowledge_check, data.lesson):
        add("knowledge_check", problem)
    if missing_text(data.prompt):
        add("prompt", N_("This needs some text."))
    if missing_text(data.explanation):
        add("explanation", N_("Explain the right answer; learners see it after answering."))
    if any(missing_text(choice.text) for choice in data.choices):
        add(
            "choices",
            N_("Every choice needs text: one marked correct or with feedback has none."),
        )
    pairs = [(c.text, c.correct) for c in data.choices if not missing_text(c.text)]
    for field, message in question_field_problems(data.kind, data.post, data.post_kind, pairs):
        add(field, message)
    return problems


def _find(version: CourseVersion, key: str) -> Question:
    question = next((q for q in version.questions if q.key == key), None)
    if question is None:
        raise Gone(key)
    return question


def _fill(question: Question, data: QuestionSource) -> None:
    question.key = data.key
    question.kind = data.kind
    question.prompt = data.prompt
    question.post = data.post
    question.post_kind = data.post_kind
    question.explanation = data.explanation
    question.lesson_slug = data.lesson
    question.knowledge_check = data.knowledge_check
    question.choices = [
        Choice(position=n, text=c.text, is_correct=c.correct, feedback=c.feedback)
        for n, c in enumerate(data.choices, start=1)
    ]


def get_question(session: Session, slug: str, key: str) -> tuple[CourseVersion, Question]:
    """The draft and one of its questions; Gone if it has none with that id."""
    version = draft(session, slug)
    return version, _find(version, key)


def add_question(session: Session, slug: str, data: QuestionSource) -> Question:
    """Add a question at the end of the draft's quiz."""
    version = draft(session, slug, lock=True)
    data = normalized(data)
    problems = question_problems(version, data)
    if problems:
        raise Invalid(problems)
    question = Question(position=len(version.questions) + 1)
    _fill(question, data)
    version.questions.append(question)
    refresh(version)
    session.flush()
    log.info("course %s draft: question %s added", slug, data.key)
    return question


def update_question(
    session: Session, slug: str, key: str, data: QuestionSource, *, token: str
) -> Question:
    """Save a question, unless someone else changed or deleted it since `token` was taken."""
    version = draft(session, slug, lock=True)
    question = _find(version, key)
    if question_token(question) != token:
        raise EditConflict(question)
    data = normalized(data)
    problems = question_problems(version, data, question)
    if problems:
        raise Invalid(problems)
    _fill(question, data)
    refresh(version)
    session.flush()
    return question


def move_question(session: Session, slug: str, key: str, offset: int) -> None:
    """Move a question up (-1) or down (+1) in the quiz."""
    version = draft(session, slug, lock=True)
    question = _find(version, key)
    move_within(session, version.questions, question, offset)
    refresh(version)
    session.flush()


def delete_question(session: Session, slug: str, key: str, *, token: str) -> None:
    """Delete a question, unless it changed since `token` was taken."""
    version = draft(session, slug, lock=True)
    question = _find(version, key)
    if question_token(question) != token:
        raise EditConflict(question)
    remove_from(session, version.questions, question)
    refresh(version)
    session.flush()
    log.info("course %s draft: question %s deleted", slug, key)
