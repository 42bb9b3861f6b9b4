"""`lms backup DEST` and `lms restore SRC`, on the database LMS_DATABASE_URL names."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from lms.backup.services import (
    BackupError,
    backup_sqlite,
    pg_dump_command,
    pg_restore_command,
    restore_sqlite,
    sqlite_path,
)
from lms.catalogues import number
from lms.dbsession import database
from lms.i18n import current_language, translate
from lms.messages import Message

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
        raise click.ClickException(_said(error)) from None
    click.echo(
        _(
            "Backed up to %(path)s (%(size)s bytes, schema revision %(revision)s).",
            path=result.path,
            size=number(result.size, current_language()),
            revision=result.revision,
        )
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
            then=_("Then bring its schema up to date with `lms db upgrade`."),
        )
    try:
        result = restore_sqlite(src, engine)
    except BackupError as error:
        raise click.ClickException(_said(error)) from None
    language = current_language()
    values = {
        "src": src,
        "database": engine.url.database,
        "revision": result.revision,
        "upgraded_to": result.upgraded_to,
        "people": number(result.people, language),
        "enrollments": number(result.enrollments, language),
    }
    click.echo(
        _(
            "Restored %(src)s into %(database)s: schema revision %(revision)s; "
            "%(people)s people and %(enrollments)s enrollments.",
            **values,
        )
        if result.upgraded_to == result.revision
        else _(
            "Restored %(src)s into %(database)s: schema revision %(revision)s, upgraded to "
            "%(upgraded_to)s; %(people)s people and %(enrollments)s enrollments.",
            **values,
        )
    )


def _use_instead(command: str, line: str, then: str = "") -> NoReturn:
    """Refuse on PostgreSQL, naming the exact command of its own tools that does the job."""
    words = _(
        "%(command)s works on SQLite only; this database is PostgreSQL. Run instead:",
        command=command,
    )
    reads = _("(it reads the password from PGPASSWORD or ~/.pgpass).")
    click.echo(
        f"{words}\n  {line}\n{reads} {then}".rstrip() + "\n" + _("Nothing was done."),
        err=True,
    )
    raise click.exceptions.Exit(WRONG_TOOL)


def _said(error: Exception) -> str:
    """The service's words in the company's language (a Message), else as they are."""
    words = error.args[0] if len(error.args) == 1 else None
    return translate(words) if isinstance(words, Message) else str(error)
