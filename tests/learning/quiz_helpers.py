"""Taking a quiz in tests the way a browser does: start, read the draw, submit answers."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.courses.models import Choice
from lms.learning.models import AttemptQuestion, QuizAttempt
from tests.helpers import csrf_token


def start(client: FlaskClient, slug: str) -> int:
    """Press 'Start the quiz'; the attempt number from the page it leads to."""
    response = client.post(
        f"/courses/{slug}/quiz/attempts",
        data={"csrf_token": csrf_token(client, f"/courses/{slug}/quiz/")},
    )
    match = re.search(r"/attempts/(\d+)$", response.headers.get("Location", ""))
    assert match, response.get_data(as_text=True)
    return int(match.group(1))


def answers(db: Session, number: int, *, right: bool) -> dict[str, list[str]]:
    """Form fields answering every drawn question, all right or all wrong."""
    db.rollback()
    attempt = db.scalars(select(QuizAttempt).where(QuizAttempt.number == number)).all()[-1]
    fields = {}
    for drawn in db.scalars(
        select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt.id)
    ):
        choices = db.scalars(select(Choice).where(Choice.question_id == drawn.question_id)).all()
        chosen = [c for c in choices if c.is_correct == right]
        fields[f"q{drawn.question_id}"] = [str(c.id) for c in (chosen if right else chosen[:1])]
    return fields


def submit(client: FlaskClient, slug: str, number: int, fields: dict[str, list[str]]):
    """Send the attempt's form."""
    path = f"/courses/{slug}/quiz/attempts/{number}"
    return client.post(path, data={"csrf_token": csrf_token(client, path), **fields})


def pass_quiz(client: FlaskClient, db: Session, slug: str) -> int:
    """Start an attempt and answer everything right; the attempt number."""
    number = start(client, slug)
    assert submit(client, slug, number, answers(db, number, right=True)).status_code == 302
    return number
