"""The final quiz: drawn and kept per attempt, scored only on the server, never leaked early."""

from __future__ import annotations

import dataclasses
import random
import threading
from collections import Counter

import pytest
from markupsafe import escape
from sqlalchemy import func, select, update

from lms import PROJECT_ROOT, clock
from lms.courses.models import Choice, CourseVersion, Question
from lms.courses.packs import read_pack
from lms.courses.services import import_pack
from lms.dbsession import database
from lms.learning import quiz
from lms.learning.models import AttemptAnswer, AttemptQuestion, Enrollment, QuizAttempt
from tests.helpers import csrf_token, fresh, sign_in
from tests.learning.quiz_helpers import answers, pass_quiz, start, submit
from tests.learning.test_learning import _acknowledge, _done

COURSE = "social-media-essentials"


def seeded(seed: int) -> random.Random:
    """A repeatable random source, so a draw can be checked again."""
    return random.Random(seed)  # noqa: S311 - test draws, not secrets


@pytest.fixture
def learner(org, shipped_courses, enrol, login):
    enrol(org["staff"], shipped_courses[COURSE])
    login(org["staff"])
    return org["staff"]


def _count(db, model) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(model))


def test_an_attempt_draws_its_questions_once_and_resumes(client, db, learner):
    number = start(client, COURSE)
    drawn = [(d.question_id, d.choice_order) for d in db.scalars(select(AttemptQuestion))]
    assert len(drawn) == 15  # draw 15 from the pool of 27
    assert start(client, COURSE) == number  # a closed tab comes back to the same attempt
    db.rollback()
    assert [(d.question_id, d.choice_order) for d in db.scalars(select(AttemptQuestion))] == drawn


def _lessons_asked(session, attempt: QuizAttempt) -> Counter[str | None]:
    ids = [drawn.question_id for drawn in attempt.questions]
    return Counter(session.scalars(select(Question.lesson_slug).where(Question.id.in_(ids))))


def test_every_attempt_asks_about_every_lesson_in_fair_shares(app, db, learner, shipped_courses):
    """Forty attempts, each drawn with its own seed: the guideline lesson is always among them."""
    lessons = {question.lesson_slug for question in shipped_courses[COURSE].quiz_questions}
    assert len(lessons) == 9 and "following-the-guideline" in lessons
    db.execute(update(CourseVersion).values(max_attempts=None))  # room for forty attempts
    db.commit()
    draws = set()
    with database(app).sessions() as session:
        for seed in range(40):
            attempt = quiz.start_attempt(session, learner.id, COURSE, seeded(seed))
            counts = _lessons_asked(session, attempt)
            assert len(attempt.questions) == 15
            assert set(counts) == lessons, seed
            assert max(counts.values()) - min(counts.values()) <= 1, (seed, counts)
            draws.add(tuple(sorted(drawn.question_id for drawn in attempt.questions)))
            quiz.submit_attempt(session, learner.id, COURSE, attempt.number, {})
            session.commit()
    assert len(draws) >= 35  # still random from one attempt to the next


def test_a_seeded_draw_is_the_same_for_anyone_who_uses_the_seed(app, db, org, learner, enrol):
    """Tests (and the demo) can repeat a draw exactly: same questions, order and choice order."""
    enrol(org["staff2"], db.scalars(select(CourseVersion)).first())
    with database(app).sessions() as session:
        drawn = []
        for person in (learner, org["staff2"]):
            attempt = quiz.start_attempt(session, person.id, COURSE, seeded(11))
            drawn.append([(d.question_id, d.position, d.choice_order) for d in attempt.questions])
            session.commit()
    assert drawn[0] == drawn[1]


def test_the_attempt_page_does_not_reveal_the_answers(client, db, learner):
    number = start(client, COURSE)
    page = client.get(f"/courses/{COURSE}/quiz/attempts/{number}").get_data(as_text=True)
    db.rollback()
    drawn = [d.question_id for d in db.scalars(select(AttemptQuestion))]
    for question in db.scalars(select(Question).where(Question.id.in_(drawn))):
        assert question.explanation not in page
        for choice in question.choices:
            assert str(escape(choice.text)) in page
            if choice.feedback:
                assert choice.feedback not in page
    for leak in ("Right answer", "is_correct", "correct", "data-correct"):
        assert leak not in page
    drawn_kinds = {q.kind for q in db.scalars(select(Question).where(Question.id.in_(drawn)))}
    assert ("all or nothing" in page) == ("multiple" in drawn_kinds)


def test_scoring_ignores_anything_the_browser_claims(client, db, learner):
    number = start(client, COURSE)
    fields = answers(db, number, right=False)
    submit(client, COURSE, number, {**fields, "score": ["100"], "passed": ["1"], "correct": ["1"]})
    db.rollback()
    attempt = db.scalars(select(QuizAttempt)).one()
    assert (attempt.score, attempt.passed) == (0, False)


def test_a_double_submit_records_one_result(client, db, learner):
    number = start(client, COURSE)
    right, wrong = answers(db, number, right=True), answers(db, number, right=False)
    assert submit(client, COURSE, number, right).status_code == 302
    assert submit(client, COURSE, number, wrong).status_code == 302  # the retry changes nothing
    db.rollback()
    attempt = db.scalars(select(QuizAttempt)).one()
    assert (attempt.score, attempt.passed) == (100, True)
    assert _count(db, AttemptAnswer) == sum(len(v) for v in right.values())


def test_a_failed_attempt_shows_its_score_and_what_to_do_next(client, db, learner):
    number = start(client, COURSE)
    submit(client, COURSE, number, answers(db, number, right=False))
    page = client.get(f"/courses/{COURSE}/quiz/attempts/{number}").get_data(as_text=True)
    assert "Not passed" in page
    assert "You scored 0%" in page
    assert "Lessons to revisit" in page
    assert f'action="/courses/{COURSE}/quiz/attempts"' in page  # Try again, with its CSRF token
    assert "Try again" in page and "2 attempts left." in page
    # show_answers is after_passing (tests/learning/test_answer_policy.py covers each policy)
    for hidden in ("Why:", "Your answer", "Right answer", "Not correct"):
        assert hidden not in page


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        ("choice of another question", "does not belong to its question"),
        ("question not drawn", "not in this attempt"),
        ("two answers to a single question", "takes one answer"),
        ("not an id", "which is not a choice id"),
    ],
)
def test_tampered_answers_are_refused_and_nothing_is_recorded(client, db, learner, tamper, message):
    number = start(client, COURSE)
    fields = answers(db, number, right=True)
    drawn = {int(key[1:]) for key in fields}
    singles = [
        q for q in db.scalars(select(Question).where(Question.id.in_(drawn))) if q.kind == "single"
    ]
    other = db.scalars(select(Question).where(Question.id.not_in(drawn))).first()
    first = singles[0]
    if tamper == "choice of another question":
        fields[f"q{first.id}"] = [str(other.choices[0].id)]
    elif tamper == "question not drawn":
        fields[f"q{other.id}"] = [str(other.choices[0].id)]
    elif tamper == "two answers to a single question":
        fields[f"q{first.id}"] = [str(c.id) for c in first.choices[:2]]
    else:
        fields[f"q{first.id}"] = ["1 OR 1=1"]
    response = submit(client, COURSE, number, fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.rollback()
    attempt = db.scalars(select(QuizAttempt)).one()
    assert attempt.submitted_at is None
    assert _count(db, AttemptAnswer) == 0


def test_another_persons_attempt_does_not_exist_for_you(
    client, app, db, org, enrol, learner, shipped_courses
):
    number = start(client, COURSE)
    enrol(org["staff2"], shipped_courses[COURSE])
    other = app.test_client()
    sign_in(other, org["staff2"].email)
    assert other.get(f"/courses/{COURSE}/quiz/attempts/{number}").status_code == 404
    path = f"/courses/{COURSE}/quiz/attempts/{number}"
    token = csrf_token(other, "/")  # the attempt's own page does not exist for them
    fields = answers(db, number, right=True)
    assert other.post(path, data={"csrf_token": token, **fields}).status_code == 404


def test_the_attempt_limit_holds(client, db, learner):
    for _ in range(3):
        number = start(client, COURSE)
        submit(client, COURSE, number, answers(db, number, right=False))
    overview = client.get(f"/courses/{COURSE}/quiz/").get_data(as_text=True)
    assert "You have used every attempt" in overview
    response = client.post(
        f"/courses/{COURSE}/quiz/attempts",
        data={"csrf_token": csrf_token(client, "/")},
    )
    assert response.status_code == 302
    assert _count(db, QuizAttempt) == 3
    page = client.get(f"/courses/{COURSE}/quiz/attempts/3").get_data(as_text=True)
    # after_passing keeps them hidden even now: a recertification asks the same pool again
    assert "Right answer" not in page
    assert "You have used every attempt" in page


def test_two_attempts_started_at_once_cannot_pass_the_limit(app, db, learner):
    """Both start the last allowed attempt together: one makes it, the other resumes it."""
    session = database(app).sessions()
    for _ in range(2):
        attempt = quiz.start_attempt(session, learner.id, COURSE)
        quiz.submit_attempt(session, learner.id, COURSE, attempt.number, {})
    session.commit()
    session.close()
    outcomes: list[object] = []
    barrier = threading.Barrier(2)

    def race() -> None:
        with database(app).sessions() as own:
            barrier.wait()
            try:
                outcomes.append(quiz.start_attempt(own, learner.id, COURSE).id)
                own.commit()
            except quiz.AttemptRace:  # the unique key caught a lost race: a clear refusal
                own.rollback()
                outcomes.append("race")

    threads = [threading.Thread(target=race) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert _count(db, QuizAttempt) == 3
    third = db.scalar(select(QuizAttempt.id).where(QuizAttempt.number == 3))
    assert set(outcomes) <= {third, "race"}
    assert third in outcomes


def test_passing_completes_and_the_completion_never_changes(client, db, learner, runner):
    for lesson in read_pack(PROJECT_ROOT / "courses" / COURSE).lessons:
        _done(client, COURSE, lesson.slug)
    _acknowledge(client)
    pass_quiz(client, db, COURSE)
    db.rollback()
    enrollment = db.scalars(select(Enrollment)).one()
    completed = (enrollment.completed_at, enrollment.score, enrollment.version_id)
    assert completed == (clock.now(), 100, 1)
    pack = read_pack(PROJECT_ROOT / "courses" / COURSE)
    import_pack(db, dataclasses.replace(pack, title="Essentials, second edition"), publish=True)
    db.execute(Choice.__table__.update().values(is_correct=False))
    db.commit()
    again = fresh(db, Enrollment, enrollment.id)
    assert (again.completed_at, again.score, again.version_id) == completed
    home = client.get("/").get_data(as_text=True)
    assert "Completed 2 March 2026 with 100%" in home
    assert "Download your certificate" in home
    with client.get(f"/courses/{COURSE}/certificate.pdf") as pdf:
        assert pdf.status_code == 200
        assert pdf.data.startswith(b"%PDF-")


def test_a_withdrawn_course_has_no_quiz_to_take(client, db, learner):
    db.execute(update(Enrollment).values(withdrawn_at=clock.now()))
    db.commit()
    assert client.get(f"/courses/{COURSE}/quiz/").status_code == 404
    token = csrf_token(client, "/")
    assert (
        client.post(f"/courses/{COURSE}/quiz/attempts", data={"csrf_token": token}).status_code
        == 404
    )
    assert _count(db, QuizAttempt) == 0
