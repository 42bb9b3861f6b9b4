"""Postwise's own command groups, registered on the app by create_app."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _
from werkzeug.serving import run_simple

from lms import migrations
from lms.api.cli import api_cli
from lms.assignments.cli import assignments_cli
from lms.backup.cli import backup_command, restore_command
from lms.courses.cli import courses_cli
from lms.dbsession import command_session, database
from lms.demo import DEMO_PASSWORD, build_demo
from lms.mail.cli import mail_cli
from lms.people.cli import people_cli
from lms.precheck.cli import precheck_command
from lms.purpose.cli import purpose_cli
from lms.reports.cli import reports_cli
from lms.webhooks.cli import webhooks_cli
from lms.xapi.cli import xapi_cli

db_cli = AppGroup("db", help="Create and upgrade the database schema.")


@db_cli.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target revision.")
def upgrade_command(revision: str) -> None:
    """Upgrade the database to the newest schema (safe to run on every deploy)."""
    migrations.upgrade(database().engine, revision)
    click.echo(_("The database schema is up to date."))


@db_cli.command("revision")
@click.option("-m", "--message", required=True, help="What the schema change is for.")
def revision_command(message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    migrations.revision(database().engine, message)


@click.command("demo")
@with_appcontext
@click.option("--no-serve", is_flag=True, help="Prepare the demo data without starting the server.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
def demo_command(no_serve: bool, host: str, port: int) -> None:
    """Set up a demo organisation (idempotent) and start Postwise on it."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    migrations.upgrade(database().engine)
    with command_session() as session:
        result = build_demo(
            session,
            max_bytes=app.config["IMPORT_MAX_MB"] * 1_048_576,
            packs=Path(app.root_path).parent / "courses",
            precheck_settings=Path(app.root_path).parent / "examples" / "precheck-settings.yaml",
        )
    click.echo(_("Demo organisation ready (%(summary)s).", summary=result.summary))
    click.echo(_("Courses published: %(courses)s.", courses=", ".join(result.courses)))
    click.echo(_("Database: %(url)s", url=app.config["DATABASE_URL"]))
    click.echo(
        "\n"
        + _(
            "Sign in at %(url)s with password %(password)s as:",
            url=f"http://{host}:{port}/",
            password=repr(DEMO_PASSWORD),
        )
    )
    for sign_in in result.sign_ins:
        click.echo(f"  {sign_in.role:<27} {sign_in.name:<18} {sign_in.email}")
    if not no_serve:
        click.echo("\n" + _("Press Ctrl+C to stop."))
        # app.run() refuses to run inside a `flask`-style CLI command; serve directly.
        run_simple(host, port, app, threaded=True)


def register(app: Flask) -> None:
    """Attach every command group to the app's CLI."""
    groups = (
        db_cli,
        people_cli,
        courses_cli,
        assignments_cli,
        reports_cli,
        mail_cli,
        purpose_cli,
        webhooks_cli,
        xapi_cli,
        api_cli,
    )
    for command in (*groups, demo_command, precheck_command, backup_command, restore_command):
        app.cli.add_command(command)
