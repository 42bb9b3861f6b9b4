"""`lms courses …`: import, export and list course packs."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext

from lms.assignments.sync import sync_assignments
from lms.courses.pack_translations import read_translations, translation_files
from lms.courses.packs import PackError, read_pack, write_pack
from lms.courses.services import (
    UnknownCourse,
    get_version,
    import_pack,
    list_courses,
    version_as_pack,
)
from lms.courses.translations import pack_translations
from lms.dbsession import command_session
from lms.i18n import translate
from lms.messages import Message

courses_cli = AppGroup("courses", help="Import, export and list course packs.")


@courses_cli.command("import")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--publish", is_flag=True, help="Publish the new version at once.")
@click.option("--note", help="With --publish: what changed, for the version history.")
@click.option(
    "--requires-reacknowledgement",
    is_flag=True,
    help="With --publish, for the guideline: everyone must acknowledge this version again.",
)
def import_command(
    path: Path, publish: bool, note: str | None, requires_reacknowledgement: bool
) -> None:
    """Check a course pack folder and make it the course's newest version."""
    if (note or requires_reacknowledgement) and not publish:
        raise click.UsageError(_("--note and --requires-reacknowledgement go with --publish."))
    try:
        pack = read_pack(path)
        translations = read_translations(path, pack)
        with command_session() as session:
            result = import_pack(
                session,
                pack,
                publish=publish,
                note=note,
                requires_reacknowledgement=requires_reacknowledgement,
                translations=translations,
            )
            number, status = result.version.number, result.version.status
            if requires_reacknowledgement:
                # Completions of the earlier versions stop counting: new cycles, due again.
                summary = sync_assignments(session)
                click.echo(_("Assignments synced: %(summary)s.", summary=summary))
    except PackError as error:
        for problem in error.problems:
            click.echo(f"{path}/{translate(problem)}", err=True)
        click.echo(
            ngettext(
                "Nothing was imported: fix the problem above.",
                "Nothing was imported: fix the %(num)d problems above.",
                len(error.problems),
            ),
            err=True,
        )
        raise click.exceptions.Exit(1) from None
    if result.created:
        click.echo(
            _(
                "Imported %(slug)s as version %(number)d (%(status)s).",
                slug=pack.slug,
                number=number,
                status=status,
            )
        )
    else:
        click.echo(
            _(
                "%(slug)s version %(number)d (%(status)s) already has this content; nothing new.",
                slug=pack.slug,
                number=number,
                status=status,
            )
        )
    for translation in translations:
        click.echo(
            ngettext(
                "Translation %(language)s stored; %(num)d part stays in English.",
                "Translation %(language)s stored; %(num)d parts stay in English.",
                len(translation.missing),
                language=translation.language,
            )
            if translation.missing
            else _("Translation %(language)s stored.", language=translation.language)
        )


@courses_cli.command("export")
@click.argument("slug")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--version", "number", type=int, help="Which version (default: the newest).")
def export_command(slug: str, directory: Path, number: int | None) -> None:
    """Write a course version as a pack folder."""
    try:
        with command_session(write=False) as session:
            version = get_version(session, slug, number)
            pack = version_as_pack(version)
            translations = pack_translations(session, version)
            number = version.number
    except UnknownCourse as error:
        raise click.ClickException(_said(error)) from None
    write_pack(pack, directory)
    for translation in translations:
        for name, content in translation_files(translation, pack).items():
            (directory / name).parent.mkdir(parents=True, exist_ok=True)
            (directory / name).write_bytes(content)
    languages = "".join(f", {t.language}" for t in translations)
    click.echo(
        _(
            "Wrote %(slug)s version %(number)d (%(languages)s) to %(directory)s.",
            slug=slug,
            number=number,
            languages="en" + languages,
            directory=directory,
        )
    )


@courses_cli.command("list")
def list_command() -> None:
    """Show every course with its versions and their status."""
    with command_session(write=False) as session:
        listings = list_courses(session)
    if not listings:
        click.echo(_("No courses yet. Import one with `lms courses import PATH`."))
    for listing in listings:
        versions = ", ".join(f"v{number} {status}" for number, status in listing.versions)
        click.echo(f"{listing.slug:<28} {listing.kind:<10} {listing.title}  [{versions}]")


def _said(error: Exception) -> str:
    """The service's words in the company's language (a Message), else as they are."""
    words = error.args[0] if len(error.args) == 1 else None
    return translate(words) if isinstance(words, Message) else str(error)
