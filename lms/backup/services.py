"""A consistent copy of a SQLite database while the app writes, and its restore into an empty
one. PostgreSQL has its own tools for both; this module only says which command to run."""

from __future__ import annotations

import logging
import os
import shlex
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, inspect, literal, select, table
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from lms import migrations
from lms.learning.models import Enrollment
from lms.people.models import Employee

log = logging.getLogger(__name__)

# Tables whose rows the migrations themselves write: a bare schema has them, yet is empty.
SCHEMA_ROWS = frozenset({"alembic_version", "xapi_high_water"})


class BackupError(Exception):
    """A backup or restore was refused, or failed, before it changed anything."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int  # bytes
    revision: str  # the schema revision copied


@dataclass(frozen=True)
class RestoreResult:
    revision: str  # the schema revision of the backup
    upgraded_to: str  # the revision after migrations ran (the newest)
    people: int
    enrollments: int


def sqlite_path(url: URL) -> Path:
    """The file behind a SQLite URL (an in-memory database has none to copy)."""
    if url.database in (None, "", ":memory:"):
        raise BackupError("The database is SQLite in memory: there is no file to copy.")
    return Path(url.database)


def backup_sqlite(source: Path, dest: Path, *, force: bool = False) -> BackupResult:
    """Copy a live SQLite database into DEST in one read transaction (WAL lets writers go on),
    check the copy and only then move it into place, so DEST is never half written."""
    if not source.is_file():
        raise BackupError(f"There is no database at {source} to back up.")
    _check_destination(source, dest, force=force)
    with _file_beside(dest) as partial:
        try:
            _copy(source, partial)
            problems, revision = _examine(partial)
        except sqlite3.DatabaseError as error:
            raise BackupError(
                f"{source} could not be copied ({error}); nothing was written."
            ) from None
        if problems:
            raise BackupError(
                f"The copy of {source} fails SQLite's integrity check ({problems[0]}); "
                f"{dest} was not written."
            )
        if revision is None:
            raise BackupError(
                f"{source} holds no Postwise schema (no alembic_version): nothing to back up."
            )
        os.replace(partial, dest)
    log.info("database %s backed up to %s at revision %s", source, dest, revision)
    return BackupResult(dest, dest.stat().st_size, revision)


def restore_sqlite(source: Path, engine: Engine) -> RestoreResult:
    """Put a backup in place of an empty SQLite database, then upgrade it to the newest
    schema (a backup from an older Postwise comes up to date)."""
    target = sqlite_path(engine.url)
    revision = _check_backup(source, engine)
    _check_empty_target(target, engine)
    engine.dispose()  # our own connections to the old file; nobody else may hold one
    if Path(f"{target}-wal").exists():
        raise BackupError(
            f"{target} is open in another process (its -wal file is there): stop Postwise "
            "before restoring. Nothing was changed."
        )
    with _file_beside(target) as partial:
        _copy(source, partial)
        os.replace(partial, target)
    migrations.upgrade(engine)
    with engine.connect() as connection:
        upgraded_to = MigrationContext.configure(connection).get_current_revision() or ""
        people = connection.scalar(select(func.count()).select_from(Employee)) or 0
        enrollments = connection.scalar(select(func.count()).select_from(Enrollment)) or 0
    log.info("backup %s restored into %s at revision %s", source, target, revision)
    return RestoreResult(revision, upgraded_to, people, enrollments)


def integrity_problems(connection: sqlite3.Connection) -> list[str]:
    """What SQLite's integrity check finds wrong (nothing when the file is sound)."""
    rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    return [] if rows == ["ok"] else rows


def schema_revision(connection: sqlite3.Connection) -> str | None:
    """The Alembic revision a SQLite database is at, if it holds a Postwise schema."""
    has_table = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    row = has_table and connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def pg_dump_command(url: URL, dest: Path) -> str:
    """The pg_dump command that backs up a PostgreSQL database (custom format) into DEST."""
    return f"pg_dump --format=custom --file {shlex.quote(str(dest))} {_libpq_url(url)}"


def pg_restore_command(url: URL, source: Path) -> str:
    """The pg_restore command that loads a pg_dump file into an empty PostgreSQL database,
    all or nothing."""
    return (
        f"pg_restore --single-transaction --no-owner --dbname {_libpq_url(url)} "
        f"{shlex.quote(str(source))}"
    )


def _libpq_url(url: URL) -> str:
    """The URL as PostgreSQL's own tools take it: no driver name, and no password (they read
    it from PGPASSWORD or ~/.pgpass, so it stays out of shell history)."""
    plain = URL.create(
        "postgresql", url.username, None, url.host, url.port, url.database, url.query
    )
    return shlex.quote(plain.render_as_string(hide_password=False))


def _check_destination(source: Path, dest: Path, *, force: bool) -> None:
    if dest.is_dir():
        raise BackupError(
            f"{dest} is a folder: give the backup's file name, e.g. {dest}/postwise-backup.sqlite3."
        )
    if not dest.parent.is_dir():
        raise BackupError(f"The folder {dest.parent} does not exist: create it or choose another.")
    if dest.exists() and dest.samefile(source):
        raise BackupError(f"{dest} is the live database itself: choose another file.")
    if dest.exists() and not force:
        raise BackupError(f"{dest} already exists; nothing was written. Use --force to replace it.")


def _check_backup(source: Path, engine: Engine) -> str:
    """The revision of a sound Postwise backup that these migrations know; refuse any other."""
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    try:
        problems, revision = _examine(source)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{source} is not a SQLite database ({error}).") from None
    if problems:
        raise BackupError(f"{source} fails SQLite's integrity check ({problems[0]}).")
    if revision is None:
        raise BackupError(
            f"{source} is a SQLite database but holds no Postwise schema (no alembic_version)."
        )
    script = ScriptDirectory.from_config(migrations.alembic_config(engine))
    if revision not in {known.revision for known in script.walk_revisions()}:
        raise BackupError(
            f"{source} is at schema revision {revision}, which this Postwise does not know "
            f"(its newest is {script.get_current_head()}): upgrade Postwise first."
        )
    return revision


def _check_empty_target(target: Path, engine: Engine) -> None:
    """Refuse to restore over data: the target must be missing, blank or a bare schema."""
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} for the database does not exist.")
    if not target.exists():
        return  # connecting would create it: nothing to look at
    try:
        with engine.connect() as connection:
            filled = [
                name
                for name in inspect(connection).get_table_names()
                if name not in SCHEMA_ROWS
                and connection.scalar(select(literal(1)).select_from(table(name)).limit(1))
            ]
    except DBAPIError as error:
        raise BackupError(
            f"The database {target} is not a SQLite database ({error.orig}). Nothing was changed."
        ) from None
    if filled:
        raise BackupError(
            f"The database {target} is not empty (rows in {', '.join(filled)}): restore only "
            "into an empty database, e.g. set LMS_DATABASE_URL to a new file. Nothing was changed."
        )


def _copy(source: Path, dest: Path) -> None:
    """Copy page by page in one read transaction into one self-contained file (no -wal)."""
    with closing(_open_read_only(source)) as original, closing(sqlite3.connect(dest)) as copy:
        original.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")


def _examine(path: Path) -> tuple[list[str], str | None]:
    """A database file's integrity problems and its schema revision."""
    with closing(_open_read_only(path)) as connection:
        return integrity_problems(connection), schema_revision(connection)


def _open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)


@contextmanager
def _file_beside(path: Path) -> Iterator[Path]:
    """A new private file in the same folder as PATH (so a rename onto it is atomic),
    removed again unless it was moved into place."""
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(handle)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)
