"""`lms people import` killed with SIGKILL half-way through writing: the database is exactly
as it was (the import is one transaction), and running the import again then succeeds.

"Half-way" is established, not guessed, before the kill:
- PostgreSQL: the test holds a row lock on a person the file updates. The import writes every
  new person first, then waits on that lock, still inside its transaction; pg_stat_activity
  shows its backend waiting with a transaction id (it has written rows). It cannot commit
  while it waits, so the kill lands mid-transaction every time.
- SQLite: one writer holds the whole database, so nothing can make the import wait part-way.
  The test stops the process (SIGSTOP) again and again, and kills it in a stop where the
  write-ahead log, emptied before the start, has grown past 1 MiB (the import's uncommitted
  pages spill into it), the write lock is still held and a reader still sees the old rows.
  Checked while it is stopped, that state is exactly the one killed; the import of 30,000
  people spends a good part of a second in it.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from flask import Flask
from sqlalchemy import make_url, select
from sqlalchemy.orm import Session

from lms.db import Base, make_engine
from lms.dbsession import database
from lms.people.models import Employee
from tests.faults.live import child_env, run_lms, start_lms, wait_for
from tests.helpers import fresh
from tests.people.hris_files import csv_file, person_row

# SQLite needs a file big enough for its uncommitted pages to spill (see above); PostgreSQL
# is caught by its lock whatever the size.
NEW_PEOPLE = {"sqlite": 30_000, "postgresql": 5_000}
# On SQLite, how much of the import's uncommitted work must have spilled into the write-ahead
# log: about 4 MB spill before the commit of 30,000 people, 1 MiB only after several of
# the import's 5,000-row batches (an import that committed per batch is caught this way).
HALF_WRITTEN_WAL_BYTES = 1_048_576
APP_NAME = "postwise-import-under-test"  # how the test finds the import's PostgreSQL backend


def snapshot(database_url: str) -> dict[str, list[Any]]:
    """Every row of every table, in primary-key order."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return {
                table.name: conn.execute(select(table).order_by(*table.primary_key)).all()
                for table in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def hris_file(folder: Path, org: dict[str, Employee], new_people: int) -> Path:
    """Thousands of new hires under the existing managers, and one existing person moved."""
    staff, lead = org["staff"], org["lead"]
    rows = [
        person_row(f"N{n:06d}", department="Sales", manager=org["senior"].hris_id)
        for n in range(new_people)
    ]
    moved = person_row(
        staff.hris_id,
        staff.email,
        staff.first_name,
        staff.last_name,
        department="Legal",
        manager=lead.hris_id,
    )
    path = folder / "hris.csv"
    path.write_bytes(csv_file(*rows, moved))
    return path


def kill_halfway_on_postgresql(
    database_url: str, env: dict[str, str], args: list[str], locked: Employee
) -> None:
    url = make_url(database_url).set(drivername="postgresql")
    dsn = url.render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as watcher, psycopg.connect(dsn) as locker:
        locker.execute("SELECT id FROM employees WHERE id = %s FOR UPDATE", (locked.id,))
        with start_lms(args, env | {"PGAPPNAME": APP_NAME}) as process:
            waiting = """SELECT pid FROM pg_stat_activity WHERE application_name = %s
                AND wait_event_type = 'Lock' AND backend_xid IS NOT NULL"""
            try:
                wait_for(
                    lambda: watcher.execute(waiting, (APP_NAME,)).fetchone() or _exited(process),
                    "the import to write its new people and wait on the locked row",
                    timeout=60,
                )
            finally:
                process.send_signal(signal.SIGKILL)
        locker.rollback()  # the orphaned backend goes on, finds its client gone, rolls back
        gone = "SELECT count(*) = 0 FROM pg_stat_activity WHERE application_name = %s"
        wait_for(lambda: watcher.execute(gone, (APP_NAME,)).fetchone()[0], "the backend to end")


def kill_halfway_on_sqlite(database_url: str, env: dict[str, str], args: list[str]) -> None:
    path = make_url(database_url).database or ""
    reader = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        assert reader.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone() == (0, 0, 0)
        people = reader.execute("SELECT count(*) FROM employees").fetchone()
        with start_lms(args, env) as process:
            try:
                wait_for(
                    lambda: _stopped_halfway(process, reader, path, people) or _exited(process),
                    "a stop in which the import has written but not committed",
                    timeout=60,
                )
            finally:  # still stopped if it was caught: it dies in the state checked
                process.send_signal(signal.SIGKILL)
    finally:
        reader.close()


def _stopped_halfway(
    process: subprocess.Popen[bytes], reader: sqlite3.Connection, path: str, people: tuple
) -> bool:
    """Stop the import; True (it stays stopped) if it is mid-transaction with rows written."""
    if process.poll() is not None:
        return False
    process.send_signal(signal.SIGSTOP)
    wait_for(lambda: _state(process.pid) in {"T", "Z"}, "the import to stop")
    wal = Path(f"{path}-wal")
    halfway = (
        wal.exists()
        and wal.stat().st_size >= HALF_WRITTEN_WAL_BYTES
        and _write_locked(reader)
        and reader.execute("SELECT count(*) FROM employees").fetchone() == people
    )
    if not halfway:
        process.send_signal(signal.SIGCONT)
        time.sleep(0.005)  # let it run a little before the next look
    return halfway


def _write_locked(reader: sqlite3.Connection) -> bool:
    try:
        reader.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        return "locked" in str(error)
    reader.execute("ROLLBACK")
    return False


def _state(pid: int) -> str:
    """The process state letter from /proc (T: stopped, Z: exited)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def _exited(process: subprocess.Popen[bytes]) -> bool:
    if process.poll() is not None:
        raise AssertionError(f"the import ended ({process.returncode}) before it was killed")
    return False


def test_an_import_killed_halfway_leaves_the_database_as_before_and_can_run_again(
    app: Flask,
    db: Session,
    org: dict[str, Employee],
    shipped_courses: dict,
    enrol: Callable[..., Any],
    database_url: str,
    tmp_path: Path,
) -> None:
    enrol(org["staff"], shipped_courses["social-media-essentials"])
    dialect = database(app).engine.dialect.name
    path = hris_file(tmp_path, org, NEW_PEOPLE[dialect])
    db.close()
    database(app).engine.dispose()  # only the test's watchers and the import use the database
    before = snapshot(database_url)
    env, args = child_env(database_url), ["people", "import", str(path)]

    if dialect == "sqlite":
        kill_halfway_on_sqlite(database_url, env, args)
        checked = sqlite3.connect(make_url(database_url).database or "")
        assert checked.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        checked.close()
    else:
        kill_halfway_on_postgresql(database_url, env, args, org["staff"])

    assert snapshot(database_url) == before
    again = run_lms(args, env)
    assert again.returncode == 0, again.stderr
    assert f"created {NEW_PEOPLE[dialect]}, updated 1," in again.stdout
    assert fresh(db, Employee, org["staff"].id).department == "Legal"
    assert len(db.scalars(select(Employee.id)).all()) == len(org) + NEW_PEOPLE[dialect]
