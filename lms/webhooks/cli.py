"""`lms webhooks add`, `send` and `purge` (cron, like `lms mail send`; see the README)."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext

from lms.dbsession import command_session, database
from lms.events import KINDS
from lms.i18n import translate
from lms.messages import Message
from lms.webhooks.delivery import WEBHOOK_RETRIES, send_due
from lms.webhooks.retention import purge_events
from lms.webhooks.subscriptions import SubscriptionError, add_subscription

webhooks_cli = AppGroup("webhooks", help="Subscribe URLs to events, and deliver what is due.")


@webhooks_cli.command("add")
@click.argument("url")
@click.option(
    "--event",
    "kinds",
    multiple=True,
    type=click.Choice(KINDS),
    help="An event to send (repeat it; default: all).",
)
def add_command(url: str, kinds: tuple[str, ...]) -> None:
    """Subscribe URL to events and print its signing secret (shown this once only)."""
    production = current_app.config["ENV"] == "production"
    with command_session() as session:
        try:
            added = add_subscription(session, url, list(kinds or KINDS), production=production)
        except SubscriptionError as problem:
            raise click.ClickException(
                _("%(problem)s Nothing was added.", problem=_said(problem))
            ) from None
    click.echo(
        _(
            "Subscribed %(url)s to %(kinds)s.",
            url=added.subscription.url,
            kinds=", ".join(added.subscription.kinds),
        )
    )
    click.echo(
        _("Signing secret (copy it now, it is not shown again): %(secret)s", secret=added.secret)
    )


@webhooks_cli.command("send")
@click.option("--batch-size", type=click.IntRange(min=1), default=50, show_default=True)
def send_command(batch_size: int) -> None:
    """Post every due delivery; failures are tried again later, waiting longer each time."""
    summary = send_due(database().sessions, policy=WEBHOOK_RETRIES, batch_size=batch_size)
    click.echo(_("Webhooks: %(summary)s.", summary=summary))


@webhooks_cli.command("purge")
@click.option(
    "--older-than-days",
    type=click.IntRange(min=7),
    default=90,
    show_default=True,
    help="Delete events older than this whose deliveries have ended (at least 7).",
)
def purge_command(older_than_days: int) -> None:
    """Delete old events and their finished deliveries; events still being tried stay."""
    with command_session() as session:
        deleted = purge_events(session, timedelta(days=older_than_days))
    click.echo(
        ngettext(
            "Webhooks: deleted %(num)d event older than %(days)d days.",
            "Webhooks: deleted %(num)d events older than %(days)d days.",
            deleted,
            days=older_than_days,
        )
    )


def _said(error: Exception) -> str:
    """The service's words in the company's language (a Message), else as they are."""
    words = error.args[0] if len(error.args) == 1 else None
    return translate(words) if isinstance(words, Message) else str(error)
