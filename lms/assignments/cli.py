"""`lms assignments add | list | sync`: rules from the command line, for automation.

`add` checks the rule exactly as the web form does (one service), saves it and syncs in one
transaction: on any problem it says what is wrong, exits non-zero and saves nothing.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext

from lms.assignments.overview import rules_overview
from lms.assignments.services import RuleRejected, RuleSpec, create_rule, rule_in_words
from lms.assignments.sync import sync_assignments
from lms.dbsession import command_session
from lms.i18n import translate

assignments_cli = AppGroup("assignments", help="Assignment rules and their enrollments.")

AUDIENCE_HELP = (
    "Who gets the course: everyone, department:NAME, location:NAME, manager:EMAIL, "
    "people:EMAIL[,EMAIL...] or group:NAME (a directory group). Repeat it, or separate names "
    "with commas, for several departments, locations, people or groups."
)
_KINDS = {
    "department": "departments",
    "location": "locations",
    "manager": "manager",
    "people": "people",
    "group": "groups",
}


class AudienceError(click.UsageError):
    """An --audience value the command cannot read."""


def parse_audience(values: tuple[str, ...]) -> tuple[str, list[str]]:
    """--audience values → (audience kind, names or emails); one kind per rule."""
    if not values:
        raise AudienceError(_("Give --audience, for example --audience department:Sales."))
    kinds: set[str] = set()
    names: list[str] = []
    for value in values:
        if value.strip() == "everyone":
            kinds.add("everyone")
            continue
        prefix, colon, rest = value.partition(":")
        kind = _KINDS.get(prefix.strip())
        if not colon or kind is None:
            raise AudienceError(
                _(
                    "--audience %(value)s is not one of everyone, department:NAME, "
                    "location:NAME, manager:EMAIL, people:EMAIL[,EMAIL...] or group:NAME.",
                    value=repr(value),
                )
            )
        parts = [part.strip() for part in rest.split(",") if part.strip()]
        if not parts:
            raise AudienceError(
                _("--audience %(value)s names no one after the colon.", value=repr(value))
            )
        kinds.add(kind)
        names.extend(parts)
    if len(kinds) > 1:
        raise AudienceError(
            _(
                "A rule has one kind of audience; make one rule for each kind "
                "(you gave %(kinds)s).",
                kinds=", ".join(sorted(kinds)),
            )
        )
    kind = kinds.pop()
    if kind == "manager" and len(names) > 1:
        raise AudienceError(_("Give one manager per rule."))
    return kind, names


def spec_from_options(
    course_slug: str, audience: tuple[str, ...], due_days: int, recertify_months: int | None
) -> RuleSpec:
    """The command's options as the spec the web form also builds."""
    kind, names = parse_audience(audience)
    return RuleSpec(
        course_slug=course_slug,
        audience=kind,
        audience_values=tuple(names) if kind in ("departments", "locations", "groups") else (),
        manager_email=names[0] if kind == "manager" else None,
        people_emails=tuple(names) if kind == "people" else (),
        due_days=due_days,
        recertify_months=recertify_months,
    )


@assignments_cli.command("add")
@click.argument("course_slug")
@click.option("--audience", "audience", multiple=True, help=AUDIENCE_HELP)
@click.option("--due-days", type=int, required=True, help="Days after assignment it is due.")
@click.option("--recertify-months", type=int, help="Renew the course every N months.")
def add_command(
    course_slug: str, audience: tuple[str, ...], due_days: int, recertify_months: int | None
) -> None:
    """Save a rule and assign its course at once (the sync runs in the same transaction)."""
    spec = spec_from_options(course_slug, audience, due_days, recertify_months)
    try:
        with command_session() as session:
            rule = create_rule(session, spec, actor_id=None)
            description = rule_in_words(session, rule)
            summary = sync_assignments(session)
    except RuleRejected as rejected:
        problems = "\n".join(f"  {translate(reason)}" for reason in rejected.messages.values())
        raise click.ClickException(_("The rule was not saved:") + "\n" + problems) from None
    click.echo(_("Rule %(id)d saved: %(rule)s.", id=rule.id, rule=description))
    click.echo(_("Assignments synced: %(summary)s.", summary=summary))


@assignments_cli.command("list")
def list_command() -> None:
    """Every active rule: whom it covers now and how many completed."""
    with command_session(write=False) as session:
        rows = rules_overview(session)
    if not rows:
        click.echo(_("No assignment rules yet. Add one with `lms assignments add`."))
        return
    for row in rows:
        renew = (
            ngettext(
                "recertify every %(num)d month",
                "recertify every %(num)d months",
                row.rule.recertify_months,
            )
            if row.rule.recertify_months
            else _("no recertification")
        )
        due = ngettext("due in %(num)d day", "due in %(num)d days", row.rule.due_days)
        values = {
            "id": row.rule.id,
            "course": row.course_slug,
            "audience": row.audience,
            "due": due,
            "renew": renew,
            "covered": row.covered,
            "completed": row.completed,
            "assigned": row.assigned,
            "exempted": row.exempted,
        }
        click.echo(
            _(
                "rule %(id)d: %(course)s for %(audience)s; %(due)s; %(renew)s; "
                "covers %(covered)d; completed %(completed)d of %(assigned)d, "
                "%(exempted)d exempted",
                **values,
            )
            if row.exempted
            else _(
                "rule %(id)d: %(course)s for %(audience)s; %(due)s; %(renew)s; "
                "covers %(covered)d; completed %(completed)d of %(assigned)d",
                **values,
            )
        )


@assignments_cli.command("sync")
def sync_command() -> None:
    """Assign, recertify and withdraw enrollments so they match the active rules."""
    with command_session() as session:
        summary = sync_assignments(session)
    click.echo(_("Assignments synced: %(summary)s.", summary=summary))
