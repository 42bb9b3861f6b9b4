"""`lms reports completions`: the completion report as a file, for scheduled exports.

The same statement and writers as the web downloads. The file is written beside its
destination and moved into place at the end, so a failed run never leaves half a report.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.assignments.individual import course_choices
from lms.dbsession import command_session
from lms.i18n import translate
from lms.learning.statuses import STATUSES
from lms.messages import Message
from lms.people.accounts import UnknownPerson, get_by_email
from lms.people.models import Employee
from lms.people.org import EVERYONE, Scope
from lms.people.services import departments
from lms.reports.completions import LAYOUT, CompletionFilter, export_rows
from lms.reports.exports import csv_chunks, write_xlsx

reports_cli = AppGroup("reports", help="Reports as files, for scheduled exports.")


def parse_scope(session: Session, value: str) -> Scope:
    """--scope all | manager:EMAIL → the scope it names."""
    if value == "all":
        return EVERYONE
    prefix, colon, email = value.partition(":")
    if prefix != "manager" or not colon or not email.strip():
        raise click.UsageError(
            _("--scope %(value)s is not 'all' or 'manager:EMAIL'.", value=repr(value))
        )
    try:
        return Scope(get_by_email(session, email).id)
    except UnknownPerson as error:
        raise click.UsageError(_said(error)) from error


def _check_filters(session: Session, scope: Scope, filters: CompletionFilter) -> None:
    """Name a course or department that does not exist, instead of writing an empty file."""
    slugs = [slug for slug, _title in course_choices(session)]
    if filters.course and filters.course not in slugs:
        raise click.UsageError(
            _(
                "--course %(course)s is not a published course; try one of: %(choices)s",
                course=repr(filters.course),
                choices=", ".join(slugs),
            )
        )
    if filters.department:
        known = departments(session, select(Employee).where(scope.covers(Employee.id)))
        if filters.department not in known:
            raise click.UsageError(
                _(
                    "--department %(department)s has no one in this scope; try one of: %(choices)s",
                    department=repr(filters.department),
                    choices=", ".join(known),
                )
            )


def _counted(batches: Iterable[Sequence[object]], counter: list[int]) -> Iterator[Sequence[object]]:
    for batch in batches:
        counter[0] += len(batch)
        yield batch


@reports_cli.command("completions")
@click.option(
    "--scope",
    "scope_value",
    default="all",
    show_default=True,
    help=("all, or manager:EMAIL for one manager's reporting line (direct and indirect)."),
)
@click.option(
    "--format", "file_format", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The file to write (replaced if it exists).",
)
@click.option("--course", default="", help="Only this course (its slug).")
@click.option("--status", default="", type=click.Choice(["", *STATUSES]), help="Only this status.")
@click.option("--department", default="", help="Only this department.")
@click.option("--direct-only", is_flag=True, help="With manager:EMAIL, only direct reports.")
@click.option("--include-inactive", is_flag=True, help="Include people who have left.")
@click.option("--bom", is_flag=True, help="Start a CSV with a byte order mark, for Excel.")
def completions_command(
    scope_value: str,
    file_format: str,
    out: Path,
    course: str,
    status: str,
    department: str,
    direct_only: bool,
    include_inactive: bool,
    bom: bool,
) -> None:
    """Write who has completed which course (one row per person and course) to a file."""
    counter = [0]
    partial = out.with_name(f".{out.name}.partial")
    with command_session(write=False) as session:
        scope = parse_scope(session, scope_value)
        filters = CompletionFilter(
            course=course,
            status=status,
            department=department,
            direct_only=direct_only,
            include_inactive=include_inactive,
        )
        _check_filters(session, scope, filters)
        batches = _counted(export_rows(session, scope, filters), counter)
        try:
            if file_format == "csv":
                with partial.open("w", encoding="utf-8", newline="") as file:
                    file.writelines(csv_chunks(LAYOUT, batches, bom=bom))
            else:
                with partial.open("wb") as file:
                    write_xlsx(file, LAYOUT, batches)
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
    click.echo(
        ngettext(
            "Wrote %(num)d row to %(out)s.", "Wrote %(num)d rows to %(out)s.", counter[0], out=out
        )
    )


def _said(error: Exception) -> str:
    """The service's words in the company's language (a Message), else as they are."""
    words = error.args[0] if len(error.args) == 1 else None
    return translate(words) if isinstance(words, Message) else str(error)
