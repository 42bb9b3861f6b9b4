"""`lms api purge`: forget idempotency keys past their day (cron, like `lms webhooks purge`)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from lms.api.idempotency_keys import KEY_LIFETIME, purge
from lms.dbsession import command_session

api_cli = AppGroup("api", help="Look after the REST API's stored state.")


@api_cli.command("purge")
def purge_command() -> None:
    """Delete idempotency keys older than 24 hours (a call with one is then new again)."""
    with command_session() as session:
        deleted = purge(session)
    noun = "key" if deleted == 1 else "keys"
    hours = int(KEY_LIFETIME.total_seconds() // 3600)
    click.echo(f"API: deleted {deleted} idempotency {noun} older than {hours} hours.")
