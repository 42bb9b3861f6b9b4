"""The quiz's answer policy holds on every page that shows results, down to the HTML source.

A hidden result shows the score, passed or not, and the lessons to revisit: nothing per question
(on a true/false question, "Not correct" next to the choice picked is the answer).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy import select, update

from lms import PROJECT_ROOT
from lms.courses.models import CourseVersion, Lesson, Question
from lms.courses.quiz_rules import SHOW_ANSWERS, answers_revealed
from lms.learning.models import AttemptQuestion, QuizAttempt
from tests.helpers import csrf_token
from tests.learning.quiz_helpers import answers, start, submit

COURSE = "social-media-essentials"

# Per question marks, choice-level markers and the element ids a revealed result carries.
PER_QUESTION = (
    "Correct",
    "Not correct",
    "Your answer",
    "Right answer",
    "Why:",
    'class="feedback"',
    'class="choices-result"',
    'class="explanation"',
    "-prompt",
    'class="question"',
)


@pytest.fixture
def learner(org, shipped_courses, enrol, login):
    enrol(org["staff"], shipped_courses[COURSE])
    login(org["staff"])
    return org["staff"]


def _set_policy(db, policy: str) -> None:
    db.execute(update(CourseVersion).values(show_answers=policy))
    db.commit()


def _result_page(client, number: int) -> str:
    response = client.get(f"/courses/{COURSE}/quiz/attempts/{number}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _drawn_questions(db, number: int) -> list[Question]:
    db.rollback()
    attempt = db.scalars(select(QuizAttempt).where(QuizAttempt.number == number)).one()
    ids = [
        d.question_id
        for d in db.scalars(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt.id))
    ]
    return list(db.scalars(select(Question).where(Question.id.in_(ids))))


def _assert_hidden(page: str, questions: list[Question]) -> None:
    for marker in PER_QUESTION:
        assert marker not in page, marker
    for question in questions:
        assert f'"q{question.id}' not in page  # name="q12", id="q12-prompt"
        assert str(escape(question.explanation)) not in page
        assert str(escape(question.prompt)) not in page
        for choice in question.choices:
            assert f'"c{choice.id}"' not in page
            if choice.feedback:
                assert str(escape(choice.feedback)) not in page


def _assert_revealed(page: str, questions: list[Question], *, passed: bool) -> None:
    assert page.count("Why:") == len(questions)
    assert page.count("Right answer") == sum(
        1 for q in questions for c in q.choices if c.is_correct
    )
    mark = ">Correct<" if passed else ">Not correct<"
    assert page.count(mark) == len(questions)
    assert page.count("Your answer") >= len(questions)
    assert 'class="feedback"' in page


@pytest.mark.parametrize("policy", SHOW_ANSWERS)
def test_a_failed_attempt_shows_answers_only_if_the_policy_says_after_each_attempt(
    client, db, learner, policy
):
    _set_policy(db, policy)
    number = start(client, COURSE)
    submit(client, COURSE, number, answers(db, number, right=False))
    page = _result_page(client, number)
    questions = _drawn_questions(db, number)

    assert "Not passed" in page
    assert "You scored 0%; the pass mark is 80%." in page
    if policy == "after_each_attempt":
        _assert_revealed(page, questions, passed=False)
    else:
        _assert_hidden(page, questions)
        assert "This quiz" in page and "which answers were right" in page
    # The lessons behind the missed questions, linked, whatever the policy.
    assert "Lessons to revisit" in page
    lessons = {q.lesson_slug for q in questions}
    for lesson in db.scalars(select(Lesson).where(Lesson.slug.in_(lessons))):
        assert f'href="/courses/{COURSE}/lessons/{lesson.slug}"' in page


@pytest.mark.parametrize("policy", SHOW_ANSWERS)
def test_after_passing_every_attempt_shows_its_answers_unless_the_policy_is_never(
    client, db, learner, policy
):
    _set_policy(db, policy)
    failed = start(client, COURSE)
    submit(client, COURSE, failed, answers(db, failed, right=False))
    passed = start(client, COURSE)
    submit(client, COURSE, passed, answers(db, passed, right=True))

    passed_page = _result_page(client, passed)
    failed_page = _result_page(client, failed)
    assert "You scored 100%" in passed_page
    assert "Lessons to revisit" not in passed_page
    assert "Try again" not in passed_page and "Try again" not in failed_page
    if policy == "never":
        _assert_hidden(passed_page, _drawn_questions(db, passed))
        _assert_hidden(failed_page, _drawn_questions(db, failed))
    else:
        _assert_revealed(passed_page, _drawn_questions(db, passed), passed=True)
        _assert_revealed(failed_page, _drawn_questions(db, failed), passed=False)


def test_running_out_of_attempts_does_not_reveal_the_answers_after_passing_only(
    client, db, learner
):
    """A recertification or a new enrolment asks the same pool again: the last failed attempt
    is no reason to show it."""
    _set_policy(db, "after_passing")
    for _ in range(3):
        number = start(client, COURSE)
        submit(client, COURSE, number, answers(db, number, right=False))
    page = _result_page(client, number)
    assert "You have used every attempt. Ask your HR admin if you need another." in page
    assert "Try again" not in page
    _assert_hidden(page, _drawn_questions(db, number))


def test_the_rule_itself():
    assert [answers_revealed(p, passed=False) for p in SHOW_ANSWERS] == [True, False, False]
    assert [answers_revealed(p, passed=True) for p in SHOW_ANSWERS] == [True, True, False]
    assert answers_revealed("anything else", passed=True) is False


def test_knowledge_checks_teach_whatever_the_quiz_policy(client, db, learner):
    """Their questions are never drawn into the final quiz, so their feedback gives no final
    answer away (documented on quiz.check_knowledge)."""
    _set_policy(db, "never")
    question = db.scalar(select(Question).where(Question.key == "check-pitfalls-angry"))
    wrong = next(choice for choice in question.choices if not choice.is_correct)
    path = f"/courses/{COURSE}/lessons/pitfalls"
    page = client.post(
        f"{path}/check", data={"csrf_token": csrf_token(client, path), f"q{question.id}": wrong.id}
    ).get_data(as_text=True)
    assert "Not quite" in page
    assert str(escape(wrong.feedback)) in page
    assert str(escape(question.explanation)) in page

    practice = set(db.scalars(select(Question.id).where(Question.knowledge_check.is_(True))))
    for _ in range(3):  # every attempt's draw leaves them out
        number = start(client, COURSE)
        assert practice.isdisjoint(q.id for q in _drawn_questions(db, number))
        submit(client, COURSE, number, answers(db, number, right=False))


def test_no_email_carries_quiz_answers():
    """No message the app sends mentions a question, a choice or its feedback; if one ever
    does, it must follow the answer policy too."""
    leaks = re.compile(r"is_correct|feedback|explanation|choice|question|attempt")
    folder = Path(PROJECT_ROOT, "templates", "mail")
    emails = {path.stem for path in folder.glob("*.txt")}  # each email has a text part
    assert {"assigned", "overdue", "certificate_expiring"} <= emails
    found = [
        path.name
        for stem in sorted(emails)
        for path in (folder / f"{stem}.txt", folder / f"{stem}.html")
        if leaks.search(path.read_text())
    ]
    assert found == []
