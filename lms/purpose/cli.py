"""`lms purpose publish`: freeze a closed quarter's purpose figures, for cron."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

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
            click.echo(_("Nothing new to publish: the latest closed quarter is already out."))
        else:
            click.echo(
                _(
                    "Published the figures for %(quarter)s; %(left_out)d left out.",
                    quarter=quarter.name,
                    left_out=period.left_out,
                )
            )
