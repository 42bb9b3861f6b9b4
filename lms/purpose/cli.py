"""`lms purpose publish`: freeze a closed quarter's purpose figures, for cron."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from lms.dbsession import command_session
from lms.purpose import snapshots

purpose_cli = AppGroup("purpose", help="The purpose self-assessment's figures for HR.")


@purpose_cli.command("publish")
def publish_command() -> None:
    """Publish the figures of the quarter that has closed, if not yet out (safe to repeat)."""
    with command_session() as session:
        quarter = snapshots.due(session)
        period = snapshots.publish(session, quarter) if quarter is not None else None
        if period is None or quarter is None:
            click.echo("Nothing new to publish: the latest closed quarter is already out.")
        else:
            click.echo(f"Published the figures for {quarter.name}; {period.left_out} left out.")
