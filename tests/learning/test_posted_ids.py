"""Odd ids in quiz and knowledge-check posts answer 400 naming the field, and record nothing."""

from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from lms.courses.models import Question
from lms.learning.models import AttemptAnswer, LessonProgress, QuizAttempt
from tests.helpers import csrf_token
from tests.learning.quiz_helpers import answers, start, submit

COURSE = "social-media-essentials"
LESSON = f"/courses/{COURSE}/lessons/pitfalls"
BAD = [
    pytest.param("²", id="superscript two"),
    pytest.param("١٢", id="arabic-indic twelve"),
    pytest.param("-1", id="negative"),
    pytest.param("", id="empty"),
    pytest.param(" 1", id="leading space"),
    pytest.param(str(2**64), id="past 64 bits"),
    pytest.param("9" * 5000, id="5000 digits"),
]


@pytest.fixture
def learner(org, shipped_courses, enrol, login):
    enrol(org["staff"], shipped_courses[COURSE])
    login(org["staff"])
    return org["staff"]


def _refusal(response, field: str, what: str) -> None:
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert str(escape(f"The field '{field[:20]}")) in page  # named, shortened if long
    assert f"which is not a {what} id" in page


@pytest.mark.parametrize("raw", BAD)
def test_a_quiz_answer_with_an_odd_choice_id_is_refused(client, db, learner, raw):
    number = start(client, COURSE)
    fields = answers(db, number, right=True)
    field = next(iter(fields))
    fields[field] = [raw]
    _refusal(submit(client, COURSE, number, fields), field, "choice")
    db.rollback()
    assert db.scalars(select(QuizAttempt)).one().submitted_at is None
    assert db.scalar(select(func.count()).select_from(AttemptAnswer)) == 0
    # The attempt is still open and takes the right answers.
    assert submit(client, COURSE, number, answers(db, number, right=True)).status_code == 302


@pytest.mark.parametrize("raw", BAD)
def test_a_quiz_answer_under_an_odd_question_id_is_refused(client, db, learner, raw):
    number = start(client, COURSE)
    fields = answers(db, number, right=True)
    fields[f"q{raw}"] = next(iter(fields.values()))
    _refusal(submit(client, COURSE, number, fields), f"q{raw}", "question")
    db.rollback()
    assert db.scalars(select(QuizAttempt)).one().submitted_at is None
    assert db.scalar(select(func.count()).select_from(AttemptAnswer)) == 0


@pytest.mark.parametrize("where", ["choice", "question"])
@pytest.mark.parametrize("raw", BAD)
def test_a_knowledge_check_with_an_odd_id_is_refused(client, db, learner, raw, where):
    question = db.scalar(select(Question).where(Question.key == "check-pitfalls-angry"))
    field, value = f"q{question.id}", str(question.choices[0].id)
    if where == "choice":
        value = raw
    else:
        field = f"q{raw}"
    before = db.scalar(select(func.count()).select_from(LessonProgress))
    response = client.post(
        f"{LESSON}/check", data={"csrf_token": csrf_token(client, LESSON), field: value}
    )
    _refusal(response, field, where)
    assert "Your answers were not checked" in response.get_data(as_text=True)
    db.rollback()
    assert db.scalar(select(func.count()).select_from(LessonProgress)) == before
