"""`lms mail queue` and `lms mail send`: the two steps cron runs (see the README)."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext

from lms.dbsession import command_session, database
from lms.mail import smtp
from lms.mail.delivery import send_queued
from lms.mail.links import link_builder
from lms.mail.outbox import purge_sent
from lms.mail.reminders import queue_reminders
from lms.retry import RetryPolicy

mail_cli = AppGroup("mail", help="Queue the reminders that are due, and deliver the outbox.")


@mail_cli.command("queue")
def queue_command() -> None:
    """Queue every reminder that is due now and not queued yet (safe to run at any time)."""
    sessions = database().sessions
    with sessions() as reading:
        summary = queue_reminders(
            reading,
            sessions,
            link_builder(current_app),
            sender=current_app.config["MAIL_FROM"],
            default_language=current_app.config["DEFAULT_LANGUAGE"],
        )
    click.echo(_("Reminders: %(summary)s.", summary=summary))


@mail_cli.command("send")
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    help="Messages sent over one connection (default LMS_MAIL_BATCH_SIZE).",
)
def send_command(batch_size: int | None) -> None:
    """Deliver queued messages over SMTP; failures are tried again later, waiting longer."""
    config = current_app.config
    settings = smtp.SmtpSettings.from_config(config)
    if settings is None:
        raise click.ClickException(
            _(
                "No mail server is set: set LMS_SMTP_HOST (and LMS_SMTP_PORT, "
                "LMS_SMTP_SECURITY, LMS_SMTP_USER, LMS_SMTP_PASSWORD as your server needs). "
                "Nothing was sent; queued messages wait in the outbox."
            )
        )
    summary = send_queued(
        database().sessions,
        lambda: smtp.connect(settings),
        policy=RetryPolicy(max_attempts=config["MAIL_MAX_ATTEMPTS"]),
        batch_size=batch_size or config["MAIL_BATCH_SIZE"],
    )
    click.echo(_("Outbox: %(summary)s.", summary=summary))
    if summary.stopped_by:
        click.echo(
            _(
                "Stopped early: %(reason)s. The rest stays queued for the next run.",
                reason=summary.stopped_by,
            ),
            err=True,
        )
        raise click.exceptions.Exit(1)


@mail_cli.command("purge")
@click.option(
    "--older-than-days",
    type=click.IntRange(min=31),
    default=90,
    show_default=True,
    help="Delete sent messages older than this (at least 31: reminder windows need their keys).",
)
def purge_command(older_than_days: int) -> None:
    """Delete sent messages older than N days; failed and queued ones stay."""
    with command_session() as session:
        deleted = purge_sent(session, timedelta(days=older_than_days))
    click.echo(
        ngettext(
            "Outbox: deleted %(num)d message sent more than %(days)d days ago.",
            "Outbox: deleted %(num)d messages sent more than %(days)d days ago.",
            deleted,
            days=older_than_days,
        )
    )
