"""`lms backup DEST` and `lms restore SRC`, on the database LMS_DATABASE_URL names."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click
from flask.cli import with_appcontext

from lms.backup.services import (
    BackupError,
    backup_sqlite,
    pg_dump_command,
    pg_restore_command,
    restore_sqlite,
    sqlite_path,
)
from lms.dbsession import database

# Exit status when the database is not SQLite: the command is the wrong tool, as with a
# usage error, and the message names the right one.
WRONG_TOOL = 2


@click.command("backup")
@with_appcontext
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace DEST if it exists.")
def backup_command(dest: Path, force: bool) -> None:
    """Copy the SQLite database into DEST, consistently even while the app is writing."""
    engine = database().engine
    if engine.dialect.name != "sqlite":
        _use_instead("lms backup", pg_dump_command(engine.url, dest))
    try:
        result = backup_sqlite(sqlite_path(engine.url), dest, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Backed up to {result.path} ({result.size:,} bytes, schema revision {result.revision})."
    )


@click.command("restore")
@with_appcontext
@click.argument("src", type=click.Path(path_type=Path))
def restore_command(src: Path) -> None:
    """Restore a backup made by `lms backup` into the empty SQLite database, then upgrade it."""
    engine = database().engine
    if engine.dialect.name != "sqlite":
        _use_instead(
            "lms restore",
            pg_restore_command(engine.url, src),
            then="Then bring its schema up to date with `lms db upgrade`.",
        )
    try:
        result = restore_sqlite(src, engine)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    upgrade = "" if result.upgraded_to == result.revision else f", upgraded to {result.upgraded_to}"
    click.echo(
        f"Restored {src} into {engine.url.database}: schema revision {result.revision}{upgrade}; "
        f"{result.people:,} people and {result.enrollments:,} enrollments."
    )


def _use_instead(command: str, line: str, then: str = "") -> NoReturn:
    """Refuse on PostgreSQL, naming the exact command of its own tools that does the job."""
    click.echo(
        f"{command} works on SQLite only; this database is PostgreSQL. Run instead:\n"
        f"  {line}\n"
        f"(it reads the password from PGPASSWORD or ~/.pgpass). {then}".rstrip()
        + "\nNothing was done.",
        err=True,
    )
    raise click.exceptions.Exit(WRONG_TOOL)
