"""`lms assignments sync`: turn the rules into enrollments (cron can run it; it is idempotent)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from lms.assignments.services import sync_assignments
from lms.dbsession import command_session

assignments_cli = AppGroup("assignments", help="Assignment rules and their enrollments.")


@assignments_cli.command("sync")
def sync_command() -> None:
    """Assign, recertify and withdraw enrollments so they match the active rules."""
    with command_session() as session:
        summary = sync_assignments(session)
    click.echo(f"Assignments synced: {summary}.")
