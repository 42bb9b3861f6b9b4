"""HR's assignment rules: the list with coverage and completion, new, change, remove.

Every change saves the rule and runs the sync in the same transaction, then says what the
sync did. "Preview" runs the same checks and counts the people covered, and saves nothing.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from lms import confirm
from lms.access import hr_required
from lms.assignments.forms import RuleForm
from lms.assignments.overview import rules_overview
from lms.assignments.services import (
    RuleNotFound,
    RulePreview,
    RuleRejected,
    RuleWords,
    active_rule,
    audience_names,
    create_rule,
    preview_rule,
    removal_preview,
    remove_rule,
    rule_words,
    spec_of,
    update_rule,
)
from lms.assignments.sync import SyncSummary, sync_assignments
from lms.courses.models import PUBLISHED
from lms.courses.services import list_courses
from lms.dbsession import db_session
from lms.i18n import translate
from lms.people.groups import all_groups

bp = Blueprint("assignments", __name__, url_prefix="/admin/rules")


@bp.get("/")
@hr_required
def index() -> ResponseReturnValue:
    """Every active rule with whom it covers now and how many completed."""
    session = db_session()
    titles = {listing.slug: listing.title for listing in list_courses(session)}
    return render_template("assignments/index.html", rows=rules_overview(session), titles=titles)


@bp.route("/new", methods=["GET", "POST"])
@hr_required
def new() -> ResponseReturnValue:
    """Make a rule: preview whom it covers, then save it (and assign the course at once)."""
    return _rule_page(None)


@bp.route("/<int:rule_id>/edit", methods=["GET", "POST"])
@hr_required
def edit(rule_id: int) -> ResponseReturnValue:
    """Change a rule; the sync then assigns or withdraws to match."""
    return _rule_page(rule_id)


@bp.post("/<int:rule_id>/remove")
@hr_required
def remove(rule_id: int) -> ResponseReturnValue:
    """Stop a rule once HR has seen what it withdraws: open enrollments no other rule
    covers are withdrawn, completions stay."""
    session = db_session()
    try:
        preview = removal_preview(session, rule_id)
    except RuleNotFound:
        abort(404)
    name = _("%(who)s: %(course)s", who=_capitalised(translate(preview.who)), course=preview.course)
    if not confirm.is_confirmed():
        return confirm.ask(
            _("Remove the rule “%(name)s”?", name=name),
            [
                ngettext(
                    "%(num)d open enrollment will be withdrawn: the course is no longer due "
                    "for them, and their progress is kept.",
                    "%(num)d open enrollments will be withdrawn: the course is no longer due "
                    "for them, and their progress is kept.",
                    preview.withdrawn,
                ),
                ngettext(
                    "%(num)d completion of this course stay on record, with their certificates.",
                    "%(num)d completions of this course stay on record, with their certificates.",
                    preview.completed,
                ),
                _("Courses HR gave or excused one person at a time stay as they are."),
            ],
            _("Remove the rule"),
            url_for("assignments.index"),
        )
    remove_rule(session, rule_id, actor_id=current_user.id)
    summary = sync_assignments(session)
    session.commit()
    flash(
        _(
            "The rule “%(name)s” is removed. Assignments synced: %(synced)s.",
            name=name,
            synced=synced(summary),
        ),
        "success",
    )
    return redirect(url_for("assignments.index"))


def _capitalised(words: str) -> str:
    return f"{words[:1].upper()}{words[1:]}"


def synced(summary: SyncSummary) -> str:
    """What a sync did, in the person's language (str(summary) is the English)."""
    return ngettext(
        "created %(num)d enrollment (%(new)d new, %(renewed)d renewed), "
        "reinstated %(reinstated)d, withdrawn %(withdrawn)d",
        "created %(num)d enrollments (%(new)d new, %(renewed)d renewed), "
        "reinstated %(reinstated)d, withdrawn %(withdrawn)d",
        summary.created,
        new=summary.assigned,
        renewed=summary.recertified,
        reinstated=summary.reinstated,
        withdrawn=summary.withdrawn,
    )


def _saved(words: RuleWords, summary: SyncSummary) -> str:
    """The message after saving: the rule in words and what the sync did."""
    values = {
        "course": words.course,
        "audience": translate(words.audience),
        "days": words.due_days,
        "synced": synced(summary),
    }
    if words.recertify_months:
        return _(
            "Rule saved: %(course)s for %(audience)s, due in %(days)s days, recertify every "
            "%(months)s months. Assignments synced: %(synced)s.",
            months=words.recertify_months,
            **values,
        )
    return _(
        "Rule saved: %(course)s for %(audience)s, due in %(days)s days. "
        "Assignments synced: %(synced)s.",
        **values,
    )


def _rule_page(rule_id: int | None) -> ResponseReturnValue:
    session = db_session()
    if rule_id is not None:
        try:
            rule = active_rule(session, rule_id)
        except RuleNotFound:
            abort(404)
    form = RuleForm()
    _offer_choices(session, form)
    if request.method == "GET" and rule_id is not None:
        form.fill(spec_of(session, rule))
    preview: RulePreview | None = None
    if form.validate_on_submit():
        spec = form.spec()
        try:
            if request.form.get("action") == "save":
                if rule_id is None:
                    saved = create_rule(session, spec, actor_id=current_user.id)
                else:
                    saved = update_rule(session, rule_id, spec, actor_id=current_user.id)
                described = rule_words(session, saved)
                summary = sync_assignments(session)
                session.commit()
                flash(_saved(described, summary), "success")
                return redirect(url_for("assignments.index"))
            preview = preview_rule(session, spec)
        except RuleRejected as rejected:
            form.show_reasons({key: translate(m) for key, m in rejected.messages.items()})
    return render_template("assignments/rule.html", form=form, rule_id=rule_id, preview=preview)


def _offer_choices(session: Session, form: RuleForm) -> None:
    """Courses with a published version, the departments and locations people are in, and
    the directory groups there are."""
    form.course.choices = [SelectChoice("", _("Choose a course"))] + [
        SelectChoice(listing.slug, listing.title)
        for listing in list_courses(session)
        if any(status == PUBLISHED for _, status in listing.versions)
    ]
    names = audience_names(session)
    form.departments.choices = [SelectChoice(name, name) for name in names["departments"]]
    form.locations.choices = [SelectChoice(name, name) for name in names["locations"]]
    form.groups.choices = [
        SelectChoice(group.display_name, group.display_name) for group in all_groups(session)
    ]
