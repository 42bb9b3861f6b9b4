"""The quiz under real concurrency: a live gunicorn with several worker processes, requests sent
at the same instant over real HTTP, and the test's own database (SQLite, or PostgreSQL when
LMS_TEST_DATABASE_URL is set).

Proves two promises of lms/learning/quiz.py end to end:
- attempts started at the same moment never go past the quiz's attempt limit, and a lost race
  answers 409, never 500;
- an attempt submitted many times at once (double click, two tabs, a retried request) records
  one result, and the attempt page shows that one result afterwards.
"""

from __future__ import annotations

import dataclasses
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import Message
from pathlib import Path
from typing import IO

import gunicorn.config
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import PROJECT_ROOT
from lms.courses.models import CourseVersion
from lms.courses.packs import read_pack
from lms.courses.services import import_pack
from lms.learning.models import (
    AttemptAnswer,
    AttemptQuestion,
    Attestation,
    Enrollment,
    LessonProgress,
    QuizAttempt,
)
from lms.people.models import Employee
from tests.helpers import PASSWORD
from tests.learning.quiz_helpers import answers

COURSE = "social-media-essentials"
WORKERS = 4
RACERS = 8  # more requests than workers: some wait in the listen queue, all contend
READY_TIMEOUT = 60.0  # seconds for gunicorn and every worker to come up, on a loaded machine
REQUEST_TIMEOUT = 30.0  # one request, generous for a loaded machine (SQLite waits up to 30 s)
RACE_TIMEOUT = 60.0  # all racing requests together
STOP_TIMEOUT = 10.0
SERVER_LOG_PROBLEMS = ("Traceback", "WORKER TIMEOUT", "[CRITICAL]", "[ERROR]")

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# Tells in the server log when each worker has loaded the app and can answer.
_GUNICORN_HOOKS = """\
def post_worker_init(worker):
    worker.log.info("postwise worker %s ready", worker.pid)
"""


# ---------------------------------------------------------------- the live server


@dataclass(frozen=True)
class Reply:
    method: str
    path: str
    status: int
    location: str
    body: str


class LiveServer:
    """A gunicorn serving the app on a loopback port; remembers every reply it gave."""

    def __init__(self, base_url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
        self.base_url = base_url
        self.process = process
        self.log_path = log_path
        self.replies: list[Reply] = []
        self._lock = threading.Lock()

    def record(self, reply: Reply) -> None:
        with self._lock:
            self.replies.append(reply)

    def server_errors(self) -> list[str]:
        with self._lock:
            return [f"{r.method} {r.path} -> {r.status}" for r in self.replies if r.status >= 500]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _no_control_socket() -> list[str]:
    """gunicorn 27 opens a control socket at one default path per user, which two servers
    running at once would fight over; older versions have none (and no such option)."""
    settings = gunicorn.config.Config().settings
    return ["--no-control-socket"] if "control_socket_disable" in settings else []


_NO_CONTROL_SOCKET = _no_control_socket()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _server_env(database_url: str, base_url: str) -> dict[str, str]:
    """This environment without any LMS_* of its own, plus the server's settings.

    lms/config.py reads LMS_* with Flask's from_prefixed_env, which parses each value as JSON
    when it can: "false" becomes False, a URL stays a string.
    """
    env = {name: value for name, value in os.environ.items() if not name.startswith("LMS_")}
    env.update(
        LMS_DATABASE_URL=database_url,
        LMS_SECRET_KEY="live-concurrency-test-secret-key-0123456789",
        LMS_AUTO_UPGRADE="false",
        LMS_RATELIMIT_ENABLED="false",
        LMS_BASE_URL=base_url,
        PYTHONUNBUFFERED="1",
    )
    return env


def _healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:  # noqa: S310
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def _wait_until_ready(server: LiveServer) -> None:
    """Until /healthz answers 200 and every worker has loaded the app, or fail with the log."""
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"gunicorn exited with {server.process.returncode}:\n{server.log()}")
        ready = server.log().count("postwise worker")
        if ready >= WORKERS and _healthy(server.base_url):
            return
        time.sleep(0.1)
    pytest.fail(f"gunicorn was not ready within {READY_TIMEOUT:.0f} s:\n{server.log()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()  # SIGTERM: gunicorn's graceful shutdown
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)


@pytest.fixture
def learner(
    org: dict[str, Employee],
    shipped_courses: dict[str, CourseVersion],
    enrol: Callable[..., Enrollment],
) -> Employee:
    """Someone enrolled in the course whose quiz allows three attempts (committed)."""
    assert shipped_courses[COURSE].max_attempts == 3
    # The server runs on the real clock, not the test's frozen one: due well ahead of both.
    enrol(org["staff"], shipped_courses[COURSE], due_at=datetime.now(UTC) + timedelta(days=30))
    return org["staff"]


@pytest.fixture
def live_server(learner: Employee, database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    """gunicorn with several sync worker processes on the test's database (data arranged first).

    Fails the test at teardown if any reply was a 5xx or the server log shows a traceback.
    """
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    hooks = tmp_path / "gunicorn_hooks.py"
    hooks.write_text(_GUNICORN_HOOKS)
    log_path = tmp_path / "gunicorn.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(hooks),
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
        "--access-logfile",
        "-",
        *_NO_CONTROL_SOCKET,
        "lms:create_app()",
    ]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=_server_env(database_url, base_url),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    server = LiveServer(base_url, process, log_path)
    try:
        _wait_until_ready(server)
        yield server
    finally:
        _stop(process)
    log = server.log()
    problems = server.server_errors() + [line for line in log.splitlines() if _bad(line)]
    if problems:
        pytest.fail("the live server failed:\n" + "\n".join(problems) + "\n\nserver log:\n" + log)


def _bad(line: str) -> bool:
    return any(marker in line for marker in SERVER_LOG_PROBLEMS)


# ---------------------------------------------------------------- a browser made of urllib


class _KeepEveryReply(urllib.request.HTTPErrorProcessor):
    """Hand back redirects and errors as they are: no following, no raising."""

    def http_response(self, request: urllib.request.Request, response: IO[bytes]) -> IO[bytes]:
        return response

    https_response = http_response


class Browser:
    """One person's browser: a cookie jar shared by every request, as tabs share it."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _KeepEveryReply()
        )

    def request(self, method: str, path: str, fields: dict[str, list[str]] | None = None) -> Reply:
        data = urllib.parse.urlencode(fields, doseq=True).encode() if fields is not None else None
        url = self.server.base_url + path  # always http://127.0.0.1:<port>/...
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310
        with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
            headers: Message = response.headers
            reply = Reply(
                method,
                path,
                response.status,
                headers.get("Location", ""),
                response.read().decode("utf-8", errors="replace"),
            )
        self.server.record(reply)
        return reply

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, fields: dict[str, list[str]]) -> Reply:
        return self.request("POST", path, fields)

    def csrf_token(self, path: str) -> str:
        page = self.get(path)
        assert page.status == 200, (path, page.status)
        match = _CSRF.search(page.body)
        assert match, f"no CSRF token in {path}"
        return match.group(1)

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        token = self.csrf_token("/sign-in")
        reply = self.post(
            "/sign-in", {"email": [email], "password": [password], "csrf_token": [token]}
        )
        assert reply.status == 302, reply.body

    def start_attempt(self) -> int:
        token = self.csrf_token(f"/courses/{COURSE}/quiz/")
        reply = self.post(f"/courses/{COURSE}/quiz/attempts", {"csrf_token": [token]})
        match = re.search(r"/attempts/(\d+)$", reply.location)
        assert reply.status == 302 and match, (reply.status, reply.location)
        return int(match.group(1))

    def submit(self, number: int, fields: dict[str, list[str]]) -> Reply:
        path = _attempt_path(number)
        return self.post(path, {"csrf_token": [self.csrf_token(path)], **fields})


def _attempt_path(number: int) -> str:
    return f"/courses/{COURSE}/quiz/attempts/{number}"


def race(count: int, send: Callable[[int], Reply]) -> list[Reply]:
    """Send `count` requests from as many threads, released together by a barrier."""
    barrier = threading.Barrier(count, timeout=RACE_TIMEOUT)
    replies: list[Reply | None] = [None] * count
    failures: list[BaseException] = []

    def racer(index: int) -> None:
        try:
            barrier.wait()
            replies[index] = send(index)
        except BaseException as error:  # a reset connection or a timeout: the test must fail
            failures.append(error)

    threads = [threading.Thread(target=racer, args=(i,), name=f"racer-{i}") for i in range(count)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + RACE_TIMEOUT
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads), "racing requests did not finish"
    assert not failures, failures
    done = [reply for reply in replies if reply is not None]
    assert len(done) == count
    return done


def _attempts(db: Session, learner: Employee) -> list[QuizAttempt]:
    db.rollback()
    db.expire_all()
    return list(
        db.scalars(
            select(QuizAttempt)
            .join(Enrollment, QuizAttempt.enrollment_id == Enrollment.id)
            .where(Enrollment.employee_id == learner.id)
            .order_by(QuizAttempt.number)
        )
    )


# ---------------------------------------------------------------- the tests


def test_attempts_started_at_once_never_pass_the_limit(
    live_server: LiveServer, db: Session, learner: Employee
) -> None:
    browser = Browser(live_server)
    browser.sign_in(learner.email)
    for expected in (1, 2):  # two of the three attempts used and failed
        number = browser.start_attempt()
        assert number == expected
        assert browser.submit(number, answers(db, number, right=False)).status == 302
    db.rollback()
    token = [browser.csrf_token(f"/courses/{COURSE}/quiz/")]

    replies = race(
        RACERS, lambda _: browser.post(f"/courses/{COURSE}/quiz/attempts", {"csrf_token": token})
    )

    statuses = sorted(reply.status for reply in replies)
    assert set(statuses) <= {302, 409}, statuses
    assert 302 in statuses, statuses
    for reply in replies:
        if reply.status == 302:  # started the last attempt, or resumed the one just started
            assert reply.location.endswith(_attempt_path(3)), reply.location
        else:
            assert "Another attempt was started at the same moment" in reply.body
    attempts = _attempts(db, learner)
    assert [attempt.number for attempt in attempts] == [1, 2, 3]
    assert len({attempt.enrollment_id for attempt in attempts}) == 1
    assert attempts[2].submitted_at is None
    drawn = db.scalars(
        select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempts[2].id)
    ).all()
    assert len(drawn) == 15  # one draw for the one attempt, not one per request


def test_an_attempt_submitted_many_times_at_once_records_one_result(
    live_server: LiveServer, db: Session, learner: Employee
) -> None:
    browser = Browser(live_server)
    browser.sign_in(learner.email)
    number = browser.start_attempt()
    right, wrong = answers(db, number, right=True), answers(db, number, right=False)
    db.rollback()
    path = _attempt_path(number)
    token = [browser.csrf_token(path)]

    replies = race(
        RACERS,
        lambda i: browser.post(path, {"csrf_token": token, **(right if i % 2 == 0 else wrong)}),
    )

    statuses = sorted(reply.status for reply in replies)
    assert set(statuses) <= {302, 400, 409}, statuses
    assert 302 in statuses, statuses
    for reply in replies:
        if reply.status == 302:
            assert reply.location.endswith(path), reply.location
    (attempt,) = _attempts(db, learner)
    assert attempt.submitted_at is not None
    assert (attempt.score, attempt.passed) in {(100, True), (0, False)}
    winner = right if attempt.passed else wrong
    recorded = db.execute(
        select(AttemptAnswer.question_id, AttemptAnswer.choice_id).where(
            AttemptAnswer.attempt_id == attempt.id
        )
    ).all()
    sent = [(int(key[1:]), int(choice)) for key, choices in winner.items() for choice in choices]
    assert len(recorded) == len(sent)  # the rows of one submission, not of several
    assert sorted(recorded) == sorted(sent)
    marks = db.scalars(
        select(AttemptQuestion.is_correct).where(AttemptQuestion.attempt_id == attempt.id)
    ).all()
    assert set(marks) == {attempt.passed}  # every question marked by that same submission

    page = browser.get(path)
    assert page.status == 200
    assert f"You scored {attempt.score}%" in page.body
    assert f"You scored {100 - attempt.score}%" not in page.body


def test_a_lesson_marked_done_many_times_at_once_is_done_once(
    live_server: LiveServer, db: Session, learner: Employee
) -> None:
    """A double click on "Mark as done": every request answers as if it came alone."""
    browser = Browser(live_server)
    browser.sign_in(learner.email)
    lesson = f"/courses/{COURSE}/lessons/why-professionals-post"
    token = [browser.csrf_token(lesson)]

    replies = race(RACERS, lambda _: browser.post(f"{lesson}/done", {"csrf_token": token}))

    assert sorted(reply.status for reply in replies) == [302] * RACERS
    db.rollback()
    done = db.scalars(
        select(LessonProgress)
        .join(Enrollment, LessonProgress.enrollment_id == Enrollment.id)
        .where(Enrollment.employee_id == learner.id)
    ).all()
    assert len(done) == 1


def test_the_guideline_acknowledged_many_times_at_once_is_recorded_once(
    live_server: LiveServer,
    db: Session,
    learner: Employee,
    shipped_courses: dict[str, CourseVersion],
    enrol: Callable[..., Enrollment],
) -> None:
    """A double click on "I have read version 1": it answered 500 on PostgreSQL."""
    guideline = shipped_courses["social-media-guideline"]
    enrol(learner, guideline, due_at=datetime.now(UTC) + timedelta(days=30))
    browser = Browser(live_server)
    browser.sign_in(learner.email)
    token = [browser.csrf_token("/guideline")]

    replies = race(RACERS, lambda _: browser.post("/guideline/acknowledge", {"csrf_token": token}))

    assert sorted(reply.status for reply in replies) == [302] * RACERS
    db.rollback()
    assert len(db.scalars(select(Attestation).filter_by(employee_id=learner.id)).all()) == 1
    (enrollment,) = db.scalars(
        select(Enrollment).filter_by(employee_id=learner.id, course_id=guideline.course_id)
    ).all()
    assert enrollment.completed_at is not None
    sections = db.scalars(select(LessonProgress).filter_by(enrollment_id=enrollment.id)).all()
    assert len(sections) == len(guideline.lessons)


def test_a_course_taken_by_choice_many_times_at_once_is_taken_once(
    live_server: LiveServer, db: Session, learner: Employee
) -> None:
    """A double click on "Take this course" in the catalogue."""
    essentials = read_pack(PROJECT_ROOT / "courses" / COURSE)
    optional = import_pack(db, dataclasses.replace(essentials, slug="optional"), publish=True)
    db.commit()
    browser = Browser(live_server)
    browser.sign_in(learner.email)
    token = [browser.csrf_token("/catalogue")]

    replies = race(RACERS, lambda _: browser.post("/courses/optional/enrol", {"csrf_token": token}))

    assert sorted(reply.status for reply in replies) == [302] * RACERS
    db.rollback()
    taken = db.scalars(
        select(Enrollment).filter_by(employee_id=learner.id, course_id=optional.version.course_id)
    ).all()
    assert len(taken) == 1
