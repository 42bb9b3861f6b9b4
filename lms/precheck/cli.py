"""`lms precheck`: the post pre-check from the command line, with the web page's engine."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext

from lms.catalogues import number
from lms.dbsession import command_session
from lms.i18n import current_language
from lms.mail.links import link_builder
from lms.precheck.engine import MAX_LENGTH, Finding, by_rule, check
from lms.precheck.profile import ProfileProblems, load_profile
from lms.precheck.services import company_profile


@click.command("precheck")
@with_appcontext
@click.option(
    "--settings",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A company settings YAML file (default: the settings HR saved in Postwise).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the findings as a JSON list.")
@click.argument("text")
def precheck_command(settings: Path | None, as_json: bool, text: str) -> None:
    """Check a draft post for likely guideline problems (TEXT, or - for standard input).

    Nothing is stored or sent; the exit code is 0 whatever is found.
    """
    draft = sys.stdin.read() if text == "-" else text
    if len(draft) > MAX_LENGTH:
        language = current_language()
        raise click.UsageError(
            _(
                "the draft is %(length)s characters long; the pre-check reads at most "
                "%(most)s, as a post allows. Shorten it and check again.",
                length=number(len(draft), language),
                most=number(MAX_LENGTH, language),
            )
        )
    if settings is not None:
        try:
            profile = load_profile(settings.read_text(encoding="utf-8"), where=str(settings))
        except (ProfileProblems, UnicodeDecodeError) as problems:
            raise click.UsageError(
                _("%(file)s cannot be used:", file=settings) + f"\n{problems}"
            ) from None
    else:
        with command_session(write=False) as session:
            profile = company_profile(session)
    findings = check(draft, profile, extra_wordlists=current_app.config["PRECHECK_WORDLISTS"])
    if as_json:
        click.echo(json.dumps([f.as_json() for f in findings], ensure_ascii=False, indent=2))
    else:
        click.echo(_report(findings))


def _report(findings: list[Finding]) -> str:
    if not findings:
        return _("No likely problems found. Read it once more as a stranger would, then post.")
    link = link_builder(current_app)
    groups = by_rule(findings)
    problems = [group for group in groups if not group.is_note]
    if not problems:
        heading = _("No likely problems found; good to know:")
    elif len(problems) < len(groups):
        heading = ngettext(
            "%(num)d likely problem, and good to know:",
            "%(num)d likely problems, and good to know:",
            len(problems),
        )
    else:
        heading = ngettext("%(num)d likely problem:", "%(num)d likely problems:", len(problems))
    lines = [heading]
    for group in groups:
        first = group.first
        course, lesson = first.lesson.split("/")
        lines.append(f"\n{first.severity.upper():<5} {first.rule}: {first.title}")
        lines += [
            "      "
            + _(
                "\u201c%(quote)s\u201d (characters %(start)d\u2013%(end)d)",
                quote=f.quote,
                start=f.start,
                end=f.end,
            )
            for _position, f in group.quotes
        ]
        url = link("learning.lesson", slug=course, lesson_slug=lesson)
        lines += [f"      {first.explanation}", "      " + _("Lesson: %(url)s", url=url)]
    return "\n".join(lines)
