"""`lms xapi send` and `purge` (cron, like `lms webhooks send`; see docs/xapi.md)."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext

from lms.dbsession import command_session, database
from lms.xapi.delivery import XAPI_RETRIES, Lrs, send_due
from lms.xapi.retention import purge_statements

xapi_cli = AppGroup("xapi", help="Send xAPI statements to the Learning Record Store.")


@xapi_cli.command("send")
@click.option("--batch-size", type=click.IntRange(min=1), default=50, show_default=True)
def send_command(batch_size: int) -> None:
    """Queue statements for events older than an hour, then send every due one."""
    config = current_app.config
    if not config["XAPI_ENDPOINT"]:
        click.echo(_("xAPI: no LRS is configured (LMS_XAPI_ENDPOINT is not set); nothing to do."))
        return
    lrs = Lrs(config["XAPI_ENDPOINT"], config["XAPI_USERNAME"], config["XAPI_PASSWORD"])
    summary = send_due(
        database().sessions,
        lrs,
        base_url=config["BASE_URL"],
        policy=XAPI_RETRIES,
        batch_size=batch_size,
    )
    click.echo(_("xAPI: %(summary)s.", summary=summary))


@xapi_cli.command("purge")
@click.option(
    "--older-than-days",
    type=click.IntRange(min=7),
    default=90,
    show_default=True,
    help="Delete sent and failed statements queued longer ago than this (at least 7).",
)
def purge_command(older_than_days: int) -> None:
    """Delete old statements that were sent or failed for good; queued ones stay."""
    with command_session() as session:
        deleted = purge_statements(session, timedelta(days=older_than_days))
    click.echo(
        ngettext(
            "xAPI: deleted %(num)d statement older than %(days)d days.",
            "xAPI: deleted %(num)d statements older than %(days)d days.",
            deleted,
            days=older_than_days,
        )
    )
