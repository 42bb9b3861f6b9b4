"""A course's final quiz: starting attempts within the limit, answering, scoring on the server.

Nothing here trusts the client: the questions and their order are drawn and stored when an
attempt starts, answers are checked against that draw, and only the server scores.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms import clock
from lms.courses.models import Choice, CourseVersion, Lesson, Question
from lms.courses.quiz_rules import answers_revealed
from lms.db import begin_write
from lms.ids import InvalidId, parse_id
from lms.learning.drawing import draw_by_lesson
from lms.learning.grading import grade
from lms.learning.models import AttemptAnswer, AttemptQuestion, Enrollment, QuizAttempt
from lms.learning.services import NotAvailable, complete_if_done, find_enrollment, version_for
from lms.messages import N_, Message

log = logging.getLogger(__name__)


class QuizRefused(Exception):
    """The request cannot be carried out; the message says why in plain words."""

    def __init__(self, message: Message | str) -> None:
        super().__init__(message)
        self.message = message  # a view shows it with lms.i18n.translate


class AttemptRace(QuizRefused):
    """Another attempt was started at the same moment (answered 409)."""


@dataclass
class QuizState:
    enrollment: Enrollment
    version: CourseVersion
    attempts: list[QuizAttempt]
    questions_per_attempt: int

    @property
    def open_attempt(self) -> QuizAttempt | None:
        return next((a for a in self.attempts if a.submitted_at is None), None)

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.attempts)

    @property
    def attempts_left(self) -> int | None:
        """None when attempts are unlimited."""
        limit = self.version.max_attempts
        return None if limit is None else max(0, limit - len(self.attempts))

    @property
    def can_start(self) -> bool:
        return (
            self.open_attempt is None
            and not self.passed
            and self.enrollment.completed_at is None
            and self.attempts_left != 0
        )


def quiz_state(session: Session, employee_id: int, slug: str) -> QuizState:
    """Where a person stands with a course's quiz; NotAvailable if it has none for them."""
    enrollment = _enrollment(session, employee_id, slug)
    return _state(session, enrollment)


def _enrollment(session: Session, employee_id: int, slug: str, *, lock: bool = False) -> Enrollment:
    enrollment = find_enrollment(session, employee_id, slug, lock=lock)
    if enrollment is None:
        raise NotAvailable(slug)
    return enrollment


def _state(session: Session, enrollment: Enrollment) -> QuizState:
    version = version_for(session, enrollment)
    if not version.quiz_questions:
        raise NotAvailable(f"{version.course.slug} has no quiz")
    attempts = list(
        session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.enrollment_id == enrollment.id, QuizAttempt.version_id == version.id)
            .order_by(QuizAttempt.number)
        )
    )
    pool = len(version.quiz_questions)
    per_attempt = min(version.draw or pool, pool)
    return QuizState(enrollment, version, attempts, per_attempt)


def start_attempt(
    session: Session, employee_id: int, slug: str, rng: random.Random | None = None
) -> QuizAttempt:
    """Resume the open attempt, or start the next one if the limit allows."""
    begin_write(session)
    enrollment = _enrollment(session, employee_id, slug, lock=True)
    state = _state(session, enrollment)
    if state.open_attempt is not None:
        return state.open_attempt
    if enrollment.completed_at is not None or state.passed:
        raise QuizRefused(N_("You have already passed this quiz; there is nothing more to take."))
    if state.attempts_left == 0:
        raise QuizRefused(
            N_("You have used every attempt this quiz allows. Ask your HR admin for help.")
        )
    if enrollment.version_id is None:
        enrollment.version_id, enrollment.started_at = state.version.id, clock.now()
    attempt = QuizAttempt(
        enrollment_id=enrollment.id,
        version_id=state.version.id,
        number=len(state.attempts) + 1,
        started_at=clock.now(),
        questions=_draw(state, rng or random.SystemRandom()),
    )
    session.add(attempt)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise AttemptRace(
            N_("Another attempt was started at the same moment. Open the quiz again to continue.")
        ) from None
    log.info("employee %s started attempt %d of %s", employee_id, attempt.number, slug)
    return attempt


def _draw(state: QuizState, rng: random.Random) -> list[AttemptQuestion]:
    """A fair share of questions from every lesson, shown in a random order if the quiz says so."""
    version = state.version
    shuffle = version.shuffle_questions
    questions = draw_by_lesson(
        version.quiz_questions, state.questions_per_attempt, rng if shuffle else None
    )
    if shuffle:
        rng.shuffle(questions)
    drawn = []
    for position, question in enumerate(questions, start=1):
        choice_ids = [choice.id for choice in question.choices]
        if version.shuffle_choices and question.kind != "true_false":
            rng.shuffle(choice_ids)
        drawn.append(
            AttemptQuestion(
                question_id=question.id,
                position=position,
                choice_order=",".join(map(str, choice_ids)),
            )
        )
    return drawn


@dataclass(frozen=True)
class ShownChoice:
    choice: Choice
    selected: bool


@dataclass(frozen=True)
class ShownQuestion:
    drawn: AttemptQuestion
    question: Question
    choices: list[ShownChoice]


@dataclass
class AttemptView:
    """One attempt as its page shows it.

    `questions` is filled while the attempt is open (to answer it) and, once submitted, only if
    the quiz's answer policy reveals answers: a hidden result never carries them to the page.
    """

    state: QuizState
    attempt: QuizAttempt
    questions: list[ShownQuestion] = field(default_factory=list)
    revisit: list[Lesson] = field(default_factory=list)  # lessons of the questions missed

    @property
    def submitted(self) -> bool:
        return self.attempt.submitted_at is not None

    @property
    def reveals_answers(self) -> bool:
        """Per question results are shown only when the quiz's answer policy allows it."""
        return self.submitted and answers_revealed(
            self.state.version.show_answers, passed=self.state.passed
        )


def attempt_view(session: Session, employee_id: int, slug: str, number: int) -> AttemptView:
    """One of this person's attempts: its questions in the order drawn, as far as it may show."""
    state = quiz_state(session, employee_id, slug)
    attempt = next((a for a in state.attempts if a.number == number), None)
    if attempt is None:
        raise NotAvailable(f"attempt {number}")
    view = AttemptView(state, attempt)
    questions = {q.id: q for q in state.version.questions}
    if view.submitted and not attempt.passed:
        view.revisit = _lessons_to_revisit(state.version, attempt, questions)
    if view.submitted and not view.reveals_answers:
        return view
    selected = set(
        session.scalars(
            select(AttemptAnswer.choice_id).where(AttemptAnswer.attempt_id == attempt.id)
        )
    )
    for drawn in attempt.questions:
        question = questions[drawn.question_id]
        by_id = {choice.id: choice for choice in question.choices}
        order = [int(choice_id) for choice_id in drawn.choice_order.split(",")]
        view.questions.append(
            ShownQuestion(
                drawn,
                question,
                [ShownChoice(by_id[choice_id], choice_id in selected) for choice_id in order],
            )
        )
    return view


def _lessons_to_revisit(
    version: CourseVersion, attempt: QuizAttempt, questions: dict[int, Question]
) -> list[Lesson]:
    """The lessons behind the questions answered wrongly, in course order."""
    missed = {
        questions[drawn.question_id].lesson_slug
        for drawn in attempt.questions
        if not drawn.is_correct
    }
    return [lesson for lesson in version.lessons if lesson.slug in missed]


def submit_attempt(
    session: Session, employee_id: int, slug: str, number: int, selections: dict[str, list[str]]
) -> QuizAttempt:
    """Score an attempt once; a repeated submit returns the recorded result unchanged.

    `selections` maps question ids to chosen choice ids, as sent by the browser; anything
    that does not belong to this attempt's draw is refused and nothing is recorded.
    """
    begin_write(session)
    enrollment = _enrollment(session, employee_id, slug, lock=True)
    state = _state(session, enrollment)
    attempt = next((a for a in state.attempts if a.number == number), None)
    if attempt is None:
        raise NotAvailable(f"attempt {number}")
    if attempt.submitted_at is not None:
        return attempt  # a double click or a retried request: the first result stands
    if enrollment.completed_at is not None:
        raise QuizRefused(N_("This course is already completed; this attempt can no longer count."))
    answers = _checked_answers(state, attempt, selections)
    key = {
        question.id: frozenset(choice.id for choice in question.choices if choice.is_correct)
        for question in state.version.quiz_questions
        if question.id in answers
    }
    result = grade(key, answers, state.version.pass_mark)
    for drawn in attempt.questions:
        drawn.is_correct = result.correct[drawn.question_id]
    session.add_all(
        AttemptAnswer(attempt_id=attempt.id, question_id=question_id, choice_id=choice_id)
        for question_id, choice_ids in answers.items()
        for choice_id in choice_ids
    )
    attempt.score, attempt.passed, attempt.submitted_at = result.score, result.passed, clock.now()
    session.flush()
    log.info("employee %s attempt %d of %s: %d%%", employee_id, number, slug, result.score)
    if result.passed:
        complete_if_done(session, enrollment)
    return attempt


@dataclass(frozen=True)
class CheckResult:
    """How a practice check went: nothing is stored, it only teaches."""

    correct: dict[int, bool]
    selected: dict[int, frozenset[int]]

    @property
    def right(self) -> int:
        """How many questions were answered right."""
        return sum(self.correct.values())


def check_knowledge(questions: list[Question], selections: dict[str, list[str]]) -> CheckResult:
    """Score a lesson's knowledge check on the server, without recording anything.

    Its feedback (right or not, the picked choice's feedback, the explanation) is always shown,
    whatever the course's answer policy: that policy protects the final quiz, and knowledge
    checks are practice questions never drawn into it (CourseVersion.quiz_questions leaves
    them out), so showing their answers teaches without giving any final answer away.
    """
    by_id = {question.id: question for question in questions}
    answers: dict[int, frozenset[int]] = {question_id: frozenset() for question_id in by_id}
    for question_id, choice_ids in _parsed(selections).items():
        question = by_id.get(question_id)
        if question is None:
            raise QuizRefused(N_("The answers sent name a question that is not in this check."))
        if not choice_ids <= {choice.id for choice in question.choices}:
            raise QuizRefused(
                N_("The answers sent name a choice that does not belong to its question.")
            )
        answers[question.id] = choice_ids
    key = {
        question.id: frozenset(choice.id for choice in question.choices if choice.is_correct)
        for question in questions
    }
    return CheckResult(grade(key, answers, 100).correct, answers)


def _checked_answers(
    state: QuizState, attempt: QuizAttempt, selections: dict[str, list[str]]
) -> dict[int, frozenset[int]]:
    """The answers as ids, every one checked against the attempt's own draw."""
    drawn = {d.question_id: {int(c) for c in d.choice_order.split(",")} for d in attempt.questions}
    kinds = {q.id: q.kind for q in state.version.questions}
    answers: dict[int, frozenset[int]] = {question_id: frozenset() for question_id in drawn}
    for question_id, choice_ids in _parsed(selections).items():
        if question_id not in drawn:
            raise QuizRefused(N_("The answers sent name a question that is not in this attempt."))
        if not choice_ids <= drawn[question_id]:
            raise QuizRefused(
                N_("The answers sent name a choice that does not belong to its question.")
            )
        if kinds[question_id] != "multiple" and len(choice_ids) > 1:
            raise QuizRefused(N_("A question that takes one answer was sent several."))
        answers[question_id] = choice_ids
    return answers


def _parsed(selections: dict[str, list[str]]) -> dict[int, frozenset[int]]:
    """The posted answers as ids, read strictly (see lms.ids); QuizRefused names a bad field."""
    parsed: dict[int, frozenset[int]] = {}
    try:
        for raw_question, raw_choices in selections.items():
            field = f"q{raw_question}"
            question_id = parse_id(raw_question, field=field, what="question")
            parsed[question_id] = frozenset(
                parse_id(raw, field=field, what="choice") for raw in raw_choices
            )
    except InvalidId as invalid:
        raise QuizRefused(str(invalid)) from None
    return parsed
