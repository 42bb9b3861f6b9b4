"""SQLite under several gunicorn worker processes writing at once: every request that writes
waits its turn for the database's one write lock (BEGIN IMMEDIATE, busy timeout), so no
"database is locked" reaches a user, and every quiz attempt and lesson completion counts."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.courses.models import CourseVersion
from lms.learning.models import Enrollment, LessonProgress, QuizAttempt
from lms.people.models import Employee
from tests.conftest import PG_URL
from tests.faults.live import Browser, Gunicorn, Reply

pytestmark = pytest.mark.skipif(
    bool(PG_URL),
    reason="SQLite's database-wide write lock; PostgreSQL locks rows (see "
    "tests/learning/test_quiz_concurrency_live.py)",
)
COURSE = "social-media-essentials"
WORKERS = 4
PEOPLE = 8  # one thread each, all writing at once
ATTEMPTS_EACH = 6  # with its 9 lessons: 9 + 2 x 6 = 21 writing requests per person
SERVER_LOG_PROBLEMS = ("database is locked", "Traceback", "WORKER TIMEOUT", "[ERROR]", "[CRITICAL]")


@pytest.fixture
def people(
    make_employee: Callable[..., Employee],
    shipped_courses: dict[str, CourseVersion],
    enrol: Callable[..., Enrollment],
    db: Session,
) -> list[Employee]:
    """Employees enrolled in the course (due on the server's real clock, well ahead), whose
    quiz allows any number of attempts here, so every failed attempt leaves it open."""
    shipped_courses[COURSE].max_attempts = None
    db.commit()
    due = datetime.now(UTC) + timedelta(days=30)
    made = [make_employee(department="Sales") for _ in range(PEOPLE)]
    for person in made:
        enrol(person, shipped_courses[COURSE], due_at=due)
    return made


@pytest.fixture
def server(people: list[Employee], database_url: str, tmp_path: Path) -> Iterator[Gunicorn]:
    running = Gunicorn(database_url, tmp_path, workers=WORKERS)
    try:
        running.wait_until_ready()
        yield running
    finally:
        running.stop()


def learn(browser: Browser, lessons: list[str]) -> list[Reply]:
    """Every lesson marked done, then attempts sent unanswered (failed, so the quiz stays open)."""
    replies = [browser.post(f"/courses/{COURSE}/lessons/{slug}/done") for slug in lessons]
    for _ in range(ATTEMPTS_EACH):
        started = browser.post(f"/courses/{COURSE}/quiz/attempts")
        replies.append(started)
        if started.status == 302:
            replies.append(browser.post(started.location.removeprefix(browser.base_url)))
    return replies


def test_workers_writing_at_once_never_show_database_is_locked_and_lose_nothing(
    server: Gunicorn,
    people: list[Employee],
    shipped_courses: dict[str, CourseVersion],
    db: Session,
) -> None:
    lessons = [lesson.slug for lesson in shipped_courses[COURSE].lessons]
    browsers = [Browser(server.base_url) for _ in people]
    start = threading.Barrier(PEOPLE, timeout=60)
    replies: list[Reply] = []
    failures: list[BaseException] = []

    def person(browser: Browser, employee: Employee) -> None:
        try:
            browser.sign_in(employee.email)
            start.wait()
            replies.extend(learn(browser, lessons))
        except BaseException as error:  # a reset connection or a timeout fails the test
            failures.append(error)

    threads = [
        threading.Thread(target=person, args=pair) for pair in zip(browsers, people, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    server.stop()

    assert not failures, failures
    log = server.log()
    assert not [line for line in log.splitlines() if any(p in line for p in SERVER_LOG_PROBLEMS)]
    assert len(replies) == PEOPLE * (len(lessons) + 2 * ATTEMPTS_EACH)
    wrong = [(r.method, r.path, r.status) for r in replies if r.status != 302]
    assert not wrong, wrong
    assert not [r for r in replies if "database is locked" in r.body]
    db.rollback()
    assert db.scalar(select(func.count()).select_from(LessonProgress)) == PEOPLE * len(lessons)
    submitted = select(func.count()).where(QuizAttempt.submitted_at.is_not(None))
    assert db.scalar(submitted) == PEOPLE * ATTEMPTS_EACH
    assert db.scalar(select(func.count()).select_from(QuizAttempt)) == PEOPLE * ATTEMPTS_EACH
