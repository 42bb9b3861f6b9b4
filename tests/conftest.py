"""Shared fixtures: a fresh real database per test (SQLite, or PostgreSQL when
LMS_TEST_DATABASE_URL is set), the app, clients, factories and a settable clock."""

from __future__ import annotations

import functools
import gc
import itertools
import logging
import os
import shutil
import time
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import make_url
from sqlalchemy.orm import Session

from lms import PROJECT_ROOT, clock, create_app, migrations
from lms.courses.author_notes import without_author_notes
from lms.courses.models import CourseVersion
from lms.courses.packs import read_pack
from lms.courses.services import import_pack
from lms.db import make_engine
from lms.dbsession import database
from lms.learning.models import Enrollment
from lms.learning.services import assign
from lms.people.models import Employee
from lms.people.passwords import hash_password
from tests.helpers import PASSWORD, SECRETS_IN_LOGS, sign_in
from tests.smtp_server import MailServer

PG_URL = os.environ.get("LMS_TEST_DATABASE_URL")
_counter = itertools.count()


# ---------------------------------------------------------------- databases


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One migrated database per run; every test starts from a copy of it."""
    if PG_URL:
        _recreate_pg_database(PG_URL)
        url = PG_URL
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('template') / 'template.sqlite3'}"
    engine = make_engine(url)
    migrations.upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture
def database_url(
    template_database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[str]:
    """A fresh database for this test, copied from the migrated template."""
    if not PG_URL:
        target = tmp_path / "lms.sqlite3"
        shutil.copyfile(make_url(template_database).database or "", target)
        yield f"sqlite:///{target}"
        return
    template = make_url(template_database)
    name = f"{template.database}_t{os.getpid()}_{next(_counter)}"
    with _pg_admin(template_database) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template.database}"')
    yield template.set(database=name).render_as_string(hide_password=False)
    # A connection the test left checked out is finalised now, while its database exists:
    # finalised later, after the forced drop, it fails inside whatever code runs the GC.
    gc.collect()
    with _pg_admin(template_database) as admin:
        left = _open_connections(admin, name)
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if left:
        warnings.warn(
            f"{request.node.nodeid} left {left} database connection(s) open", stacklevel=1
        )


def _open_connections(admin: psycopg.Connection, name: str) -> int:
    """Connections still open to a database, allowing closed ones a moment to end."""
    for _ in range(20):
        row = admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (name,)
        ).fetchone()
        if not row or not row[0]:
            return 0
        time.sleep(0.05)
    return row[0]


def _pg_admin(url: str) -> psycopg.Connection:
    parsed = make_url(url).set(drivername="postgresql", database="postgres")
    return psycopg.connect(parsed.render_as_string(hide_password=False), autocommit=True)


def _recreate_pg_database(url: str) -> None:
    name = make_url(url).database
    with _pg_admin(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


# ---------------------------------------------------------------- logs


# The loggers a server running Postwise writes: the app's, and the libraries it runs on. The
# test's own SMTP server (aiosmtpd's "mail.log") logs the mail it receives, as it should.
SERVER_LOGGERS = frozenset({"root", "lms", "werkzeug", "flask", "sqlalchemy", "alembic"})


class _EveryRecord(logging.Handler):
    """Keeps every record a server would log while a test runs, formatted as it writes them."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.partition(".")[0] not in SERVER_LOGGERS:
            return
        extra = f" user={getattr(record, 'user', '')} route={getattr(record, 'route', '')}"
        self.lines.append(self.format(record) + extra)


@pytest.fixture(autouse=True)
def no_secrets_in_logs() -> Iterator[None]:
    """Over the whole suite, whatever the app logs holds no password, cookie, token or link."""
    logging.getLogger("lms").setLevel(logging.DEBUG)  # every record, not only what a server keeps
    watch = _EveryRecord()
    root = logging.getLogger()
    root.addHandler(watch)
    yield
    root.removeHandler(watch)
    leaks = [line for line in watch.lines if SECRETS_IN_LOGS.search(line)]
    assert leaks == [], "secrets reached the log"


# ---------------------------------------------------------------- the app


@pytest.fixture
def app_config(database_url: str) -> dict[str, Any]:
    """Settings for the test app; a test may change them before using `app`."""
    return {
        "DATABASE_URL": database_url,
        "TESTING": True,
        "AUTO_UPGRADE": False,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "RATELIMIT_ENABLED": False,
        "BASE_URL": "http://postwise.test",
    }


@pytest.fixture
def make_app(app_config: dict[str, Any]) -> Iterator[Callable[..., Flask]]:
    """Build an app from app_config plus overrides; its connections close at teardown."""
    made: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        made.append(create_app({**app_config, **overrides}))
        return made[-1]

    yield make
    for built in made:
        database(built).engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    """A session for arranging and checking data; tests commit what the app must see."""
    session = database(app).sessions()
    yield session
    session.close()


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[None]:
    """Every test runs at a known moment; tests move it with lms.clock.advance."""
    clock.freeze(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    yield
    clock.unfreeze()


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    """A real SMTP server on a free loopback port, for the tests that send email."""
    server = MailServer()
    server.up()
    yield server
    server.down()


# ---------------------------------------------------------------- factories


@functools.cache
def _hash(password: str) -> str:
    """Hash each test password once per run: argon2 is slow on purpose."""
    return hash_password(password)


@pytest.fixture
def make_employee(db: Session) -> Callable[..., Employee]:
    """Create and commit an employee; any column can be overridden, `password=` sets one."""
    numbers = itertools.count(1)

    def make(**overrides: Any) -> Employee:
        n = next(numbers)
        password = overrides.pop("password", PASSWORD)
        values: dict[str, Any] = {
            "hris_id": f"T{n:04d}",
            "email": f"person{n}@example.com",
            "first_name": f"Person{n}",
            "last_name": "Tester",
            "department": "Marketing",
        }
        values.update(overrides)
        if password is not None:
            values["password_hash"] = _hash(password)
        employee = Employee(**values)
        db.add(employee)
        db.commit()
        return employee

    return make


@pytest.fixture
def org(make_employee: Callable[..., Employee]) -> dict[str, Employee]:
    """A small org: HR admin, a senior manager over a team lead over two staff, an outsider."""
    hr = make_employee(first_name="Hana", last_name="Rao", is_hr_admin=True, department="Ops")
    senior = make_employee(first_name="Sam", last_name="Senior")
    lead = make_employee(first_name="Lee", last_name="Lead", manager_id=senior.id)
    staff = make_employee(first_name="Sia", last_name="Staff", manager_id=lead.id)
    staff2 = make_employee(first_name="Tom", last_name="Staff", manager_id=lead.id)
    outsider = make_employee(first_name="Otto", last_name="Outside", department="Sales")
    return {
        "hr": hr,
        "senior": senior,
        "lead": lead,
        "staff": staff,
        "staff2": staff2,
        "outsider": outsider,
    }


@pytest.fixture
def shipped_courses(db: Session) -> dict[str, CourseVersion]:
    """The two shipped packs, imported and published (notes for HR deleted), by slug."""
    versions = {}
    for slug in ("social-media-essentials", "social-media-guideline"):
        pack = without_author_notes(read_pack(PROJECT_ROOT / "courses" / slug))
        versions[slug] = import_pack(db, pack, publish=True).version
    db.commit()
    return versions


@pytest.fixture
def enrol(db: Session) -> Callable[..., Enrollment]:
    """Assign a course to someone (due in two weeks unless said otherwise)."""

    def do_enrol(employee: Employee, version: CourseVersion, **overrides: Any) -> Enrollment:
        due = overrides.pop("due_at", clock.now() + timedelta(days=14))
        enrollment = assign(db, employee.id, version.course_id, due)
        db.commit()
        return enrollment

    return do_enrol


# ---------------------------------------------------------------- web helpers


@pytest.fixture
def login(client: FlaskClient) -> Callable[[Employee], FlaskClient]:
    """Sign a person in on the test client and return the client."""

    def do_login(employee: Employee, password: str = PASSWORD) -> FlaskClient:
        response = sign_in(client, employee.email, password)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return do_login
