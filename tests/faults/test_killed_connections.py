"""PostgreSQL connections killed under the app (a failover, a restart, an admin's
pg_terminate_backend): the pool's pre-ping replaces dead connections, so the next request
succeeds, and no quiz attempt or lesson completion is lost or recorded twice."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from functools import partial

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text

from lms.courses.models import CourseVersion
from lms.db import make_engine
from lms.learning.models import Enrollment
from lms.people.models import Employee
from tests.conftest import PG_URL
from tests.faults.live import csrf_in, wait_for
from tests.helpers import sign_in

pytestmark = pytest.mark.skipif(
    not PG_URL, reason="kills PostgreSQL server processes; SQLite has no connections to kill"
)
COURSE = "social-media-essentials"  # three attempts: as many as each learner makes
ATTEMPTS_EACH = 3
# Waits (up to 5 s) until each backend has really exited, so no request races a dying one.
KILL_ALL = """
    SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000))
    FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
"""


@pytest.fixture
def admin(database_url: str) -> Iterator[psycopg.Connection]:
    """A connection of the test's own to the test database, as a DBA's psql would be."""
    url = make_url(database_url).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as conn:
        yield conn


def kill_every_other_connection(admin: psycopg.Connection) -> int:
    """Terminate every backend of the test database but the admin's own; how many."""
    row = admin.execute(KILL_ALL).fetchone()
    assert row is not None
    return int(row[0])


def count(admin: psycopg.Connection, sql: str) -> int:
    row = admin.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


@pytest.fixture
def learners(
    org: dict[str, Employee],
    shipped_courses: dict[str, CourseVersion],
    enrol: Callable[..., Enrollment],
) -> list[Employee]:
    for person in (org["staff"], org["staff2"]):
        enrol(person, shipped_courses[COURSE])
    return [org["staff"], org["staff2"]]


def form_token(client: FlaskClient, page: str) -> str:
    """Open the page as a person would (it must load) and take its form's CSRF token."""
    reply = client.get(page)
    assert reply.status_code == 200, (page, reply.status_code)
    return csrf_in(reply.get_data(as_text=True))


def post(client: FlaskClient, path: str, form_page: str, **fields: str):
    return client.post(path, data={"csrf_token": form_token(client, form_page), **fields})


def submit_an_attempt(client: FlaskClient) -> None:
    """Start an attempt and send it unanswered (a fail, so the quiz stays open)."""
    quiz = f"/courses/{COURSE}/quiz/"
    started = post(client, f"/courses/{COURSE}/quiz/attempts", quiz)
    assert started.status_code == 302, started.get_data(as_text=True)
    attempt = started.headers["Location"]
    assert re.search(r"/attempts/\d+$", attempt), attempt
    submitted = post(client, attempt, attempt)
    assert submitted.status_code == 302, submitted.get_data(as_text=True)


def mark_done(client: FlaskClient, lesson: str) -> None:
    path = f"/courses/{COURSE}/lessons/{lesson}"
    reply = post(client, f"{path}/done", path)
    assert reply.status_code == 302, reply.get_data(as_text=True)


def test_requests_after_every_connection_was_killed_succeed_and_nothing_is_lost_or_doubled(
    app: Flask,
    learners: list[Employee],
    shipped_courses: dict[str, CourseVersion],
    admin: psycopg.Connection,
) -> None:
    lessons = [lesson.slug for lesson in shipped_courses[COURSE].lessons]
    clients = [app.test_client() for _ in learners]
    for client, learner in zip(clients, learners, strict=True):
        assert sign_in(client, learner.email).status_code == 302
    steps: list[Callable[[FlaskClient], None]] = [
        *(partial(mark_done, lesson=slug) for slug in lessons),
        *(submit_an_attempt for _ in range(ATTEMPTS_EACH)),
    ]
    killed = []
    for step in steps:
        for client in clients:
            step(client)
            # The app's pool now holds a connection whose server process is gone.
            killed.append(kill_every_other_connection(admin))

    assert min(killed) >= 1, killed  # every kill really took the pooled connection
    assert count(admin, "SELECT count(*) FROM lesson_progress") == len(lessons) * len(learners)
    submitted = "SELECT count(*) FROM quiz_attempts WHERE submitted_at IS NOT NULL"
    assert count(admin, submitted) == ATTEMPTS_EACH * len(learners)
    assert count(admin, "SELECT count(*) FROM quiz_attempts") == ATTEMPTS_EACH * len(learners)


def test_the_engine_pre_pings_where_a_plain_pool_hands_out_a_dead_connection(
    database_url: str, admin: psycopg.Connection
) -> None:
    """Why the test above can fail: without pool_pre_ping the same kill breaks the next use."""
    engines = {"ours": make_engine(database_url), "plain": create_engine(database_url)}
    try:
        for engine in engines.values():
            with engine.connect() as conn:  # one connection, back in the pool afterwards
                conn.execute(text("SELECT 1"))
        assert kill_every_other_connection(admin) == 2
        with engines["ours"].connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
        with pytest.raises(Exception, match="terminat"), engines["plain"].connect() as conn:
            conn.execute(text("SELECT 1"))
    finally:
        for engine in engines.values():
            engine.dispose()


def test_a_request_whose_connection_dies_mid_way_records_nothing_and_its_retry_counts_once(
    app: Flask, learners: list[Employee], database_url: str, admin: psycopg.Connection
) -> None:
    """Deterministic: the request waits on a row lock the test holds when it is killed."""
    client = app.test_client()
    assert sign_in(client, learners[0].email).status_code == 302
    quiz = f"/courses/{COURSE}/quiz/"
    attempt = post(client, f"/courses/{COURSE}/quiz/attempts", quiz).headers["Location"]
    token = form_token(client, attempt)
    url = make_url(database_url).set(drivername="postgresql")
    locker = psycopg.connect(url.render_as_string(hide_password=False))
    replies = []
    try:
        locker.execute("SELECT id FROM enrollments FOR UPDATE")  # submit_attempt locks its row
        sender = threading.Thread(
            target=lambda: replies.append(client.post(attempt, data={"csrf_token": token}))
        )
        sender.start()
        waiting = """SELECT pid FROM pg_stat_activity WHERE datname = current_database()
                     AND wait_event_type = 'Lock'"""
        pid = wait_for(lambda: admin.execute(waiting).fetchone(), "the request to wait")[0]
        assert admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,)).fetchone() == (True,)
        sender.join(timeout=30)
    finally:
        locker.close()

    [reply] = replies
    assert reply.status_code == 500
    assert "Something went wrong on our side" in reply.get_data(as_text=True)
    assert count(admin, "SELECT count(*) FROM quiz_attempts WHERE submitted_at IS NOT NULL") == 0
    again = client.post(attempt, data={"csrf_token": token})  # the person presses Submit again
    assert again.status_code == 302, again.get_data(as_text=True)
    assert count(admin, "SELECT count(*) FROM quiz_attempts WHERE submitted_at IS NOT NULL") == 1
