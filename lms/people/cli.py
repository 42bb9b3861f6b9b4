"""`lms people …`: import the HRIS file, invite people, set passwords, grant HR rights."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from lms.dbsession import command_session
from lms.i18n import translate
from lms.mail.links import link_builder
from lms.messages import Message
from lms.people.accounts import (
    PasswordRejected,
    UnknownPerson,
    get_by_email,
    set_hr_admin,
    set_password,
)
from lms.people.hooks import after_people_import
from lms.people.hris import HrisFileError, Problem
from lms.people.import_preview import (
    CONFIRM_PEOPLE,
    CONFIRM_SHARE,
    describe_preview,
    share_warning,
)
from lms.people.importer import ConfirmationNeeded, import_people, preview_import
from lms.people.invites import issue_invite
from lms.people.models import Employee
from lms.people.password_mail import INVITE, LinkMail, queue_password_link

people_cli = AppGroup("people", help="Import people and manage their sign-in.")


class ClickProgress:
    """Shows each stage of a long service call as a progress bar on the terminal."""

    def __init__(self) -> None:
        self._bar = None

    def stage(self, label: str, total: int) -> None:
        self.close()
        self._bar = click.progressbar(length=max(total, 1), label=label, file=sys.stderr)
        self._bar.__enter__()

    def advance(self, steps: int) -> None:
        if self._bar is not None:
            self._bar.update(steps)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


def fail(lines: list[str]) -> NoReturn:
    """Print what went wrong and exit non-zero."""
    for line in lines:
        click.echo(line, err=True)
    raise click.exceptions.Exit(1)


@people_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--deactivate-missing",
    is_flag=True,
    help="Deactivate active people who are not in the file (leavers).",
)
@click.option("--dry-run", is_flag=True, help="Show what the import would do; change nothing.")
@click.option(
    "--confirm-deactivations",
    type=int,
    metavar="COUNT",
    help="The number of people the import deactivates, as --dry-run shows it: needed when "
    f"that is more than {CONFIRM_SHARE:.0%} of the active people or more than "
    f"{CONFIRM_PEOPLE}.",
)
def import_command(
    path: Path, deactivate_missing: bool, dry_run: bool, confirm_deactivations: int | None
) -> None:
    """Create and update people from an HRIS CSV export."""
    progress = ClickProgress()
    options = {
        "deactivate_missing": deactivate_missing,
        "max_bytes": current_app.config["IMPORT_MAX_MB"] * 1_048_576,
        "progress": progress,
    }
    try:
        if dry_run:
            with command_session(write=False) as session:
                preview = preview_import(session, path.read_bytes(), **options)
        else:
            with command_session() as session:
                summary = import_people(
                    session,
                    path.read_bytes(),
                    confirmed_deactivations=confirm_deactivations,
                    **options,
                )
                follow_ups = [follow_up(session) for follow_up in after_people_import(current_app)]
    except HrisFileError as error:
        progress.close()
        fail(
            [
                _(
                    "%(path)s: nothing was imported; fix these problems and run the import again:",
                    path=path,
                )
            ]
            + [f"  {_words(problem)}" for problem in error.problems]
        )
    except ConfirmationNeeded as needed:
        progress.close()
        count = needed.preview.deactivated.count
        fail(
            [_("%(path)s: nothing was imported. What the import would do:", path=path)]
            + [f"  {_words(line)}" for line in describe_preview(needed.preview)]
            + [
                _(
                    "%(warning)s If that is right, run the import again with "
                    "--confirm-deactivations %(count)d.",
                    warning=_words(share_warning(needed.preview)),
                    count=count,
                )
            ]
        )
    progress.close()
    if dry_run:
        click.echo(
            _(
                "%(file)s: what the import would do (dry run: nothing was changed):",
                file=path.name,
            )
        )
        for line in describe_preview(preview):
            click.echo(f"  {_words(line)}")
        if preview.needs_typed_count:
            click.echo(
                _(
                    "%(warning)s The import needs --confirm-deactivations %(count)d.",
                    warning=_words(share_warning(preview)),
                    count=preview.deactivated.count,
                )
            )
        return
    imported = _("Imported %(file)s: %(summary)s.", file=path.name, summary=summary)
    click.echo(" ".join([imported, *(_words(line) for line in follow_ups)]))


@people_cli.command("invite")
@click.argument("email")
@click.option(
    "--print-link", is_flag=True, help="Print the link instead of emailing it (when SMTP is set)."
)
def invite_command(email: str, print_link: bool) -> None:
    """Email (or, without SMTP, print) a one-time link with which a person sets their password."""
    mail = bool(current_app.config["SMTP_HOST"]) and not print_link
    with command_session() as session:
        employee = _person(session, email)
        if not employee.is_active:
            fail(
                [
                    _(
                        "%(email)s is inactive; reactivate them in the HRIS file before inviting.",
                        email=email,
                    )
                ]
            )
        if mail:
            settings = LinkMail.from_config(current_app.config, link_builder(current_app))
            queued = queue_password_link(session, employee, INVITE, settings)
        else:
            token = issue_invite(session, current_app.config["SECRET_KEY"], employee)
    if mail:
        click.echo(
            _(
                "Queued an invite email to %(email)s; `lms mail send` delivers it.",
                email=employee.email,
            )
            if queued
            else _(
                "An invite email to %(email)s was queued less than 15 minutes ago; "
                "nothing new was queued.",
                email=employee.email,
            )
        )
        return
    hours = current_app.config["INVITE_MAX_AGE_HOURS"]
    link = link_builder(current_app)("auth.accept_invite", token=token)
    click.echo(
        _(
            "Invite link for %(email)s (valid for %(hours)d hours, once):",
            email=employee.email,
            hours=hours,
        )
        + f"\n{link}"
    )


@people_cli.command("set-password")
@click.argument("email")
def set_password_command(email: str) -> None:
    """Set a password read from standard input (one line), for scripted setups."""
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        with command_session() as session:
            set_password(session, _person(session, email), password)
    except PasswordRejected as error:
        fail(
            [
                _("The password was not set: %(reason)s", reason=_words(reason))
                for reason in error.reasons
            ]
        )
    click.echo(_("Password set for %(email)s.", email=email))


@people_cli.command("grant-hr")
@click.argument("email")
def grant_hr_command(email: str) -> None:
    """Make someone an HR admin."""
    _set_hr(email, granted=True)


@people_cli.command("revoke-hr")
@click.argument("email")
def revoke_hr_command(email: str) -> None:
    """Take the HR admin role away from someone."""
    _set_hr(email, granted=False)


def _set_hr(email: str, *, granted: bool) -> None:
    with command_session() as session:
        changed = set_hr_admin(session, _person(session, email), granted)
    if not changed:
        click.echo(_("%(email)s: nothing to change.", email=email))
    elif granted:
        click.echo(_("%(email)s is now an HR admin.", email=email))
    else:
        click.echo(_("%(email)s is no longer an HR admin.", email=email))


def _person(session: Session, email: str) -> Employee:
    try:
        return get_by_email(session, email)
    except UnknownPerson as error:
        fail([_words(error.args[0]) if len(error.args) == 1 else str(error)])


def _words(words: object) -> str:
    """A service's words in the company's language (a Message), else as they are."""
    if isinstance(words, Problem):
        return translate(words.words())
    return translate(words) if isinstance(words, Message) else str(words)
