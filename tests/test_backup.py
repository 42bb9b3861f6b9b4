"""`lms backup` and `lms restore`: a consistent copy while the app writes, restored whole and at
the newest schema; every bad destination, backup and target refused with nothing changed."""

from __future__ import annotations

import shlex
import shutil
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import Engine, make_url, select, text
from sqlalchemy.orm import Session, sessionmaker

from lms import clock, migrations
from lms.assignments.individual import assign_course
from lms.backup.services import pg_dump_command, pg_restore_command
from lms.db import make_engine, write_transaction
from lms.dbsession import database
from lms.people.models import Employee
from tests.conftest import PG_URL

SQLITE_ONLY = pytest.mark.skipif(
    PG_URL is not None,
    reason="lms backup and restore copy SQLite files; on PostgreSQL they name pg_dump and "
    "pg_restore instead (test_on_postgresql_… below)",
)
COURSE = "social-media-essentials"


def head_revision(engine: Engine) -> str:
    head = ScriptDirectory.from_config(migrations.alembic_config(engine)).get_current_head()
    assert head is not None
    return head


def live_file(app: Flask) -> Path:
    return Path(database(app).engine.url.database or "")


def integrity(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]


def scalar(path: Path, sql: str) -> Any:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(sql).fetchone()[0]


def leftovers(folder: Path) -> list[Path]:
    """Half-written copies a failed command left behind (there must be none)."""
    return list(folder.glob(".*.partial"))


def corrupt(path: Path, marker: str) -> None:
    """Change one index entry behind SQLite's back, so the table and its index disagree."""
    data = bytearray(path.read_bytes())
    at = data.rfind(marker.encode())
    assert at > 0, f"{marker!r} is not in {path}"
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def _no_schema(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
        connection.execute("INSERT INTO notes VALUES ('not Postwise')")
        connection.commit()


@pytest.fixture
def backup_of(runner, tmp_path: Path) -> Callable[[], Path]:
    """Back up the test app's database with the command under test."""

    def make() -> Path:
        dest = tmp_path / "backups" / "lms-backup.sqlite3"
        dest.parent.mkdir(exist_ok=True)
        result = runner.invoke(args=["backup", str(dest)])
        assert result.exit_code == 0, result.output
        return dest

    return make


@pytest.fixture
def restore(make_app) -> Callable[..., tuple[Flask, object]]:
    """Run `lms restore SRC` on an app whose database is TARGET."""

    def run(source: Path, target: Path, **config: object) -> tuple[Flask, object]:
        app = make_app(DATABASE_URL=f"sqlite:///{target}", **config)
        return app, app.test_cli_runner().invoke(args=["restore", str(source)])

    return run


# ---------------------------------------------------------------- under load


class NewHireWriter(threading.Thread):
    """Keeps committing new hires, each with a course assigned (enrollment and audit event)
    in the same transaction, as the HRIS import and HR's assign button write."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        super().__init__(daemon=True)
        self.sessions = sessions
        self.begun = 0  # transactions started: none of a later one can be in a copy
        self.committed = 0  # transactions committed: every one of them is
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                self.begun += 1
                n = self.begun
                with write_transaction(self.sessions) as session:
                    hire = Employee(
                        hris_id=f"LOAD{n:06d}",
                        email=f"load{n}@example.com",
                        first_name="New",
                        last_name=f"Hire {n}",
                    )
                    session.add(hire)
                    session.flush()
                    due = clock.now().date() + timedelta(days=30)
                    assign_course(session, hire.id, COURSE, due, actor_id=None)
                self.committed = n
        except BaseException as error:  # reported by the test, not lost in the thread
            self.error = error

    def wait_for(self, committed: int) -> None:
        deadline = time.monotonic() + 10
        while self.committed < committed and self.error is None:
            assert time.monotonic() < deadline, f"only {self.committed} of {committed} written"
            time.sleep(0.01)
        assert self.error is None, self.error


@pytest.fixture
def writer(app, shipped_courses) -> Iterator[NewHireWriter]:
    thread = NewHireWriter(database(app).sessions)
    thread.start()
    yield thread
    thread.stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive()


@SQLITE_ONLY
def test_a_backup_taken_while_the_app_writes_restores_whole_and_at_head(
    app, runner, writer, restore, tmp_path
):
    writer.wait_for(committed=20)
    dest = tmp_path / "nightly.sqlite3"
    before = writer.committed
    backup = runner.invoke(args=["backup", str(dest)])
    after = writer.begun
    writer.wait_for(committed=after + 10)  # the copy did not hold the app up
    writer.stop.set()
    writer.join(timeout=10)
    assert backup.exit_code == 0, backup.output
    assert f"Backed up to {dest}" in backup.output

    target = tmp_path / "restored" / "lms.sqlite3"
    target.parent.mkdir()
    restored_app, result = restore(dest, target)
    assert result.exit_code == 0, result.output

    assert integrity(target) == ["ok"]
    hires = scalar(target, "SELECT count(*) FROM employees WHERE hris_id LIKE 'LOAD%'")
    assert before <= hires <= after
    # Every transaction is whole, and the copy is one moment: the first `hires` of them.
    last = scalar(target, "SELECT max(hris_id) FROM employees WHERE hris_id LIKE 'LOAD%'")
    assert last == f"LOAD{hires:06d}"
    enrolled = "SELECT count(*) FROM enrollments JOIN employees ON employee_id = employees.id"
    assert scalar(target, f"{enrolled} WHERE hris_id LIKE 'LOAD%'") == hires
    audited = "SELECT count(*) FROM audit_events WHERE action = 'enrollment.assigned'"
    assert scalar(target, f"{audited} AND target LIKE '%LOAD%'") == hires
    engine = database(restored_app).engine
    assert migrations.is_current(engine)
    revision = head_revision(engine)
    assert (
        f"schema revision {revision}; {hires:,} people and {hires:,} enrollments" in result.output
    )
    assert scalar(live_file(app), "SELECT count(*) FROM employees") > hires
    assert leftovers(tmp_path) == leftovers(target.parent) == []


# ---------------------------------------------------------------- backup


@SQLITE_ONLY
def test_backup_prints_what_it_wrote_and_replaces_only_with_force(
    app, runner, make_employee, tmp_path
):
    make_employee()
    dest = tmp_path / "copy.sqlite3"
    result = runner.invoke(args=["backup", str(dest)])
    assert result.exit_code == 0, result.output
    revision = head_revision(database(app).engine)
    size = dest.stat().st_size
    printed = f"Backed up to {dest} ({size:,} bytes, schema revision {revision})."
    assert printed in result.output.splitlines()
    assert not Path(f"{dest}-wal").exists()  # one self-contained file
    first = dest.read_bytes()

    make_employee()
    again = runner.invoke(args=["backup", str(dest)])
    assert again.exit_code == 1
    assert f"{dest} already exists; nothing was written. Use --force" in again.output
    assert dest.read_bytes() == first

    forced = runner.invoke(args=["backup", "--force", str(dest)])
    assert forced.exit_code == 0, forced.output
    assert scalar(dest, "SELECT count(*) FROM employees") == 2
    assert leftovers(tmp_path) == []


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("missing folder", "The folder {tmp}/nowhere does not exist"),
        ("a folder", "{tmp} is a folder: give the backup's file name"),
        ("the live database", "is the live database itself: choose another file"),
    ],
)
def test_backup_refuses_a_bad_destination(app, runner, tmp_path, where, message):
    dest = {
        "missing folder": tmp_path / "nowhere" / "copy.sqlite3",
        "a folder": tmp_path,
        "the live database": live_file(app),
    }[where]
    files = sorted(tmp_path.iterdir())
    live = live_file(app).read_bytes()
    result = runner.invoke(args=["backup", "--force", str(dest)])
    assert result.exit_code == 1
    assert message.format(tmp=tmp_path) in result.output
    assert sorted(tmp_path.iterdir()) == files
    assert live_file(app).read_bytes() == live


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("database_file", "message"),
    [
        ("missing", "There is no database at {path} to back up."),
        ("text", "{path} could not be copied (file is not a database); nothing was written."),
        ("corrupt", "The copy of {path} fails SQLite's integrity check (row "),
        ("no schema", "{path} holds no Postwise schema (no alembic_version): nothing to back"),
    ],
)
def test_backup_refuses_a_database_it_cannot_copy_soundly(
    make_app, make_employee, backup_of, tmp_path, database_file, message
):
    path = tmp_path / "live" / "lms.sqlite3"
    path.parent.mkdir()
    if database_file == "text":
        path.write_text("name,email\nAda,ada@example.com\n")
    if database_file == "corrupt":
        make_employee(email="broken-index-entry@example.com")
        shutil.copyfile(backup_of(), path)
        corrupt(path, "broken-index-entry@example.com")
    if database_file == "no schema":
        _no_schema(path)
    dest = tmp_path / "copy.sqlite3"
    result = (
        make_app(DATABASE_URL=f"sqlite:///{path}")
        .test_cli_runner()
        .invoke(args=["backup", str(dest)])
    )
    assert result.exit_code == 1
    assert message.format(path=path) in result.output
    assert not dest.exists()
    assert path.exists() == (database_file != "missing")
    assert leftovers(tmp_path) == []


@SQLITE_ONLY
@pytest.mark.parametrize("command", ["backup", "restore"])
def test_an_in_memory_database_has_no_file_to_copy(make_app, tmp_path, command):
    folder = tmp_path / "backups"
    folder.mkdir()
    runner = make_app(DATABASE_URL="sqlite://").test_cli_runner()
    result = runner.invoke(args=[command, str(folder / "copy.sqlite3")])
    assert result.exit_code == 1
    assert "The database is SQLite in memory: there is no file to copy." in result.output
    assert list(folder.iterdir()) == []


# ---------------------------------------------------------------- restore


@SQLITE_ONLY
def test_restore_into_the_bare_schema_a_new_file_gets_at_start(
    template_database, make_employee, backup_of, restore, tmp_path
):
    """By default the app gives a new SQLite file the schema when it starts, before `lms
    restore` runs: a database with the schema and no rows counts as empty."""
    make_employee()
    make_employee()
    target = tmp_path / "new.sqlite3"
    shutil.copyfile(make_url(template_database).database or "", target)
    app, result = restore(backup_of(), target, AUTO_UPGRADE=True)
    assert result.exit_code == 0, result.output
    assert "2 people and 0 enrollments" in result.output
    assert scalar(target, "SELECT count(*) FROM employees") == 2
    assert migrations.is_current(database(app).engine)


@SQLITE_ONLY
def test_restore_upgrades_a_backup_from_an_older_schema(restore, tmp_path):
    old = tmp_path / "from-0008.sqlite3"
    engine = make_engine(f"sqlite:///{old}")
    migrations.upgrade(engine, "0008")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO employees (hris_id, email, first_name, last_name, is_active,"
                " is_hr_admin, session_version, failed_sign_ins, created_at, updated_at)"
                " VALUES ('E1', 'ada@example.com', 'Ada', 'L', 1, 0, 1, 0, '2026-01-05',"
                " '2026-01-05')"
            )
        )
    engine.dispose()
    target = tmp_path / "restored.sqlite3"
    app, result = restore(old, target)
    assert result.exit_code == 0, result.output
    head = head_revision(database(app).engine)
    assert f"schema revision 0008, upgraded to {head}; 1 people" in result.output
    assert migrations.is_current(database(app).engine)
    assert scalar(target, "SELECT email FROM employees") == "ada@example.com"
    assert integrity(target) == ["ok"]


def _from_the_future(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
        connection.commit()


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("backup_file", "message"),
    [
        ("missing", "There is no backup file at {src}."),
        ("text", "{src} is not a SQLite database (file is not a database)."),
        ("no schema", "{src} is a SQLite database but holds no Postwise schema"),
        ("corrupt", "{src} fails SQLite's integrity check (row "),
        ("newer", "{src} is at schema revision 9999, which this Postwise does not know"),
    ],
)
def test_restore_refuses_a_file_that_is_not_a_sound_postwise_backup(
    app, make_employee, backup_of, restore, tmp_path, backup_file, message
):
    src = tmp_path / "given.sqlite3"
    if backup_file == "text":
        src.write_text("this is a spreadsheet export, not a database\n")
    if backup_file == "no schema":
        _no_schema(src)
    if backup_file in ("corrupt", "newer"):
        make_employee(email="broken-index-entry@example.com")
        shutil.copyfile(backup_of(), src)
    if backup_file == "corrupt":
        corrupt(src, "broken-index-entry@example.com")
    if backup_file == "newer":
        _from_the_future(src)
    target = tmp_path / "target" / "lms.sqlite3"
    target.parent.mkdir()
    _, result = restore(src, target)
    assert result.exit_code == 1
    assert message.format(src=src) in result.output
    assert list(target.parent.iterdir()) == []


@SQLITE_ONLY
def test_restore_names_the_newest_schema_it_knows(app, backup_of, restore, tmp_path):
    src = backup_of()
    _from_the_future(src)
    _, result = restore(src, tmp_path / "lms.sqlite3")
    head = head_revision(database(app).engine)
    assert f"(its newest is {head}): upgrade Postwise first." in result.output


@SQLITE_ONLY
def test_restore_refuses_a_database_that_holds_data(app, make_employee, backup_of, restore):
    make_employee()
    target = live_file(app)
    _, result = restore(backup_of(), target)
    assert result.exit_code == 1
    assert f"The database {target} is not empty (rows in employees): restore only" in result.output
    assert "Nothing was changed." in result.output
    assert scalar(target, "SELECT count(*) FROM employees") == 1
    assert leftovers(target.parent) == []


@SQLITE_ONLY
def test_restore_refuses_a_database_another_process_has_open(
    template_database, backup_of, restore, tmp_path
):
    target = tmp_path / "in-use.sqlite3"
    shutil.copyfile(make_url(template_database).database or "", target)
    engine = make_engine(f"sqlite:///{target}")
    try:
        with engine.connect() as other:  # another worker, still running
            other.execute(select(Employee.id)).all()
            _, result = restore(backup_of(), target)
    finally:
        engine.dispose()
    assert result.exit_code == 1
    assert f"{target} is open in another process (its -wal file is there): stop" in result.output
    assert scalar(target, "SELECT count(*) FROM employees") == 0
    assert leftovers(tmp_path) == []


@SQLITE_ONLY
def test_restore_refuses_a_target_that_is_not_a_sqlite_file(backup_of, restore, tmp_path):
    target = tmp_path / "lms.sqlite3.txt"
    target.write_text("not a database\n")
    _, result = restore(backup_of(), target)
    assert result.exit_code == 1
    assert f"The database {target} is not a SQLite database (file is not a database)." in (
        result.output
    )
    assert target.read_text() == "not a database\n"
    assert leftovers(tmp_path) == []


@SQLITE_ONLY
def test_restore_refuses_a_target_in_a_missing_folder(backup_of, restore, tmp_path):
    target = tmp_path / "nowhere" / "lms.sqlite3"
    _, result = restore(backup_of(), target)
    assert result.exit_code == 1
    assert f"The folder {target.parent} for the database does not exist." in result.output
    assert not target.parent.exists()


# ---------------------------------------------------------------- PostgreSQL


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (
            pg_dump_command,
            "pg_dump --format=custom --file '/backups/post wise.dump' "
            "'postgresql://hr@db.internal:5433/postwise?sslmode=require'",
        ),
        (
            pg_restore_command,
            "pg_restore --single-transaction --no-owner --dbname "
            "'postgresql://hr@db.internal:5433/postwise?sslmode=require' '/backups/post wise.dump'",
        ),
    ],
)
def test_postgresql_commands_quote_paths_and_leave_the_password_out(build, expected):
    url = make_url("postgresql+psycopg://hr:s3cret@db.internal:5433/postwise?sslmode=require")
    assert build(url, Path("/backups/post wise.dump")) == expected


@pytest.fixture
def empty_pg_database(database_url: str) -> Iterator[str]:
    """A second, empty PostgreSQL database to restore into (dropped afterwards)."""
    url = make_url(database_url)
    name = f"{url.database}_restored"
    admin_url = url.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin_url.render_as_string(hide_password=False), autocommit=True) as pg:
        pg.execute(f'CREATE DATABASE "{name}"')
    yield url.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin_url.render_as_string(hide_password=False), autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _command_in(output: str, tool: str) -> list[str]:
    line = next(line for line in output.splitlines() if line.strip().startswith(tool))
    return shlex.split(line)


@pytest.mark.skipif(PG_URL is None, reason="needs PostgreSQL (LMS_TEST_DATABASE_URL)")
@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs PostgreSQL's client tools")
def test_on_postgresql_backup_and_restore_name_the_commands_that_do_it(
    empty_pg_database, runner, make_app, make_employee, tmp_path
):
    """The commands refuse (exit 2) and print the pg_dump and pg_restore lines; run as
    printed, those lines copy the database."""
    make_employee()
    make_employee()
    dest = tmp_path / "postwise.dump"
    result = runner.invoke(args=["backup", str(dest)])
    assert result.exit_code == 2
    assert "lms backup works on SQLite only; this database is PostgreSQL." in result.output
    assert "Nothing was done." in result.output
    assert not dest.exists()
    subprocess.run(_command_in(result.output, "pg_dump"), check=True, timeout=60)

    target = make_app(DATABASE_URL=empty_pg_database)
    result = target.test_cli_runner().invoke(args=["restore", str(dest)])
    assert result.exit_code == 2
    assert "Then bring its schema up to date with `lms db upgrade`." in result.output
    subprocess.run(_command_in(result.output, "pg_restore"), check=True, timeout=60)
    upgraded = target.test_cli_runner().invoke(args=["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output

    engine = database(target).engine
    assert migrations.is_current(engine)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM employees")) == 2
