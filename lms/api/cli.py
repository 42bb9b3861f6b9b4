"""`lms api add-client` (for scripts and the README's walk; HR uses the API page), and
`lms api purge`: forget idempotency keys past their day (cron, like `lms webhooks purge`)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext

from lms.api.clients import ClientProblem, create_client
from lms.api.idempotency_keys import KEY_LIFETIME, purge
from lms.api.scopes import SCOPES
from lms.dbsession import command_session
from lms.i18n import translate
from lms.messages import Message

api_cli = AppGroup("api", help="API clients, and the REST API's stored state.")

OPTION_NAMES = {"name": "NAME", "scopes": "--scope", "manager_email": "--manager"}


@api_cli.command("add-client")
@click.argument("name")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    type=click.Choice(list(SCOPES)),
    help="A permission to grant (repeat it).",
)
@click.option("--manager", default="", help="Limit the client to this manager's line (email).")
def add_client_command(name: str, scopes: tuple[str, ...], manager: str) -> None:
    """Create an API client and print its id and secret (the secret is shown this once)."""
    with command_session() as session:
        try:
            new = create_client(session, name, list(scopes), manager, actor_id=None)
        except ClientProblem as problem:
            where = OPTION_NAMES.get(problem.field, problem.field)
            raise click.ClickException(
                _(
                    "%(option)s: %(problem)s Nothing was created.",
                    option=where,
                    problem=_said(problem),
                )
            ) from None
    click.echo(
        _(
            "Created the API client %(name)s (%(scopes)s).",
            name=repr(new.client.name),
            scopes=", ".join(scopes),
        )
    )
    click.echo(_("Client id: %(client_id)s", client_id=new.client.client_id))
    click.echo(
        _("Client secret (copy it now, it is not shown again): %(secret)s", secret=new.secret)
    )


@api_cli.command("purge")
def purge_command() -> None:
    """Delete idempotency keys older than 24 hours (a call with one is then new again)."""
    with command_session() as session:
        deleted = purge(session)
    hours = int(KEY_LIFETIME.total_seconds() // 3600)
    click.echo(
        ngettext(
            "API: deleted %(num)d idempotency key older than %(hours)d hours.",
            "API: deleted %(num)d idempotency keys older than %(hours)d hours.",
            deleted,
            hours=hours,
        )
    )


def _said(error: Exception) -> str:
    """The service's words in the company's language (a Message), else as they are."""
    words = error.args[0] if len(error.args) == 1 else None
    return translate(words) if isinstance(words, Message) else str(error)
