"""The pre-check on the web: an employee's page and practice history, HR's settings."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms import catalogues, confirm
from lms.access import hr_required
from lms.courses.services import lesson_titles
from lms.db import write_transaction
from lms.dbsession import database, db_session, reads_only
from lms.downloads import attachment
from lms.i18n import current_language, translate
from lms.precheck import services, wordlists
from lms.precheck.engine import by_rule, check, highlighted
from lms.precheck.forms import LIST_LABELS, PrecheckForm, SettingsForm, SettingsUploadForm
from lms.precheck.profile import (
    ProfileProblem,
    ProfileProblems,
    dump_profile,
    load_profile,
    profile_from_mapping,
)
from lms.precheck.rules import RULES, SEVERITY_LABELS

bp = Blueprint("precheck", __name__)


@bp.route("/practice/precheck", methods=["GET", "POST"])
@reads_only  # checking writes nothing; saving a draft commits on its own
@login_required
def page() -> ResponseReturnValue:
    """Paste a draft, see its likely problems at once; nothing is kept unless asked."""
    session = db_session()
    form = PrecheckForm()
    findings, segments = None, []
    if form.validate_on_submit():
        text = form.text.data or ""
        findings = check(
            text,
            services.company_profile(session),
            extra_wordlists=current_app.config["PRECHECK_WORDLISTS"],
        )
        segments = highlighted(text, findings)
        if form.save.data:
            with write_transaction(database().sessions) as writer:
                services.save_draft(writer, current_user.id, text, findings)
            flash(_("Saved to your practice history. Only you can see it."), "success")
    return render_template(
        "precheck/page.html",
        form=form,
        findings=findings,
        groups=by_rule(findings or []),
        segments=segments,
        lessons=lesson_titles(session) if findings else {},
        severity_labels=SEVERITY_LABELS,
    )


@bp.get("/practice/drafts")
@login_required
def drafts() -> ResponseReturnValue:
    """The drafts this person chose to keep, newest first."""
    return render_template(
        "precheck/drafts.html",
        drafts=services.drafts_of(db_session(), current_user.id),
        rules=RULES,
    )


@bp.post("/practice/drafts/<int:draft_id>/delete")
@login_required
def delete_draft(draft_id: int) -> ResponseReturnValue:
    """Delete one of one's own saved drafts, once the person has confirmed it."""
    session = db_session()
    if not confirm.is_confirmed():
        draft = services.draft_of(session, current_user.id, draft_id)
        if draft is None:
            abort(404)
        saved = catalogues.date_time(draft.created_at, current_language())
        start = draft.text if len(draft.text) <= 80 else draft.text[:79].rstrip() + "…"
        return confirm.ask(
            _("Delete the draft you saved on %(moment)s?", moment=saved),
            [
                _(
                    "The draft “%(start)s” and what the check found in it are deleted "
                    "from your practice history.",
                    start=start,
                ),
                _("It cannot be brought back. Nobody else ever saw it."),
            ],
            _("Delete the draft"),
            url_for("precheck.drafts"),
        )
    if not services.delete_draft(session, current_user.id, draft_id):
        abort(404)  # someone else's draft does not exist for this person
    session.commit()
    flash(_("The draft is deleted from your practice history."), "success")
    return redirect(url_for("precheck.drafts"))


@bp.route("/admin/precheck", methods=["GET", "POST"])
@hr_required
def settings() -> ResponseReturnValue:
    """HR's company profile: names, products, codenames and the rest the rules look for."""
    session = db_session()
    form, upload = SettingsForm(), SettingsUploadForm()
    if form.validate_on_submit():
        try:
            profile = profile_from_mapping(form.mapping())
        except ProfileProblems as problems:
            _show_on_fields(form, problems)
        else:
            changed = services.save_profile(session, profile, actor_id=current_user.id)
            session.commit()
            flash(
                _("Saved: every check from now on uses these settings.")
                if changed
                else _("Nothing changed."),
                "success" if changed else "info",
            )
            return redirect(url_for("precheck.settings"))
    elif not form.is_submitted():
        form.fill(services.company_profile(session))
    return _settings_page(form, upload)


@bp.post("/admin/precheck/upload")
@hr_required
def upload() -> ResponseReturnValue:
    """Replace the settings with a YAML file's; every problem is listed, by line."""
    session = db_session()
    form, upload_form = SettingsForm(), SettingsUploadForm()
    problems: list[str] = []
    if upload_form.validate_on_submit():
        name = upload_form.file.data.filename or "settings.yaml"
        try:
            text = upload_form.file.data.read().decode("utf-8")
            profile = load_profile(text, where=name)
        except UnicodeDecodeError:
            problems = [
                _(
                    "%(name)s: the file is not UTF-8 text; save it as UTF-8 and upload again",
                    name=name,
                )
            ]
        except ProfileProblems as error:
            problems = [_in_words(problem) for problem in error.found]
        else:
            services.save_profile(session, profile, actor_id=current_user.id)
            session.commit()
            flash(_("Loaded the settings from %(name)s.", name=name), "success")
            return redirect(url_for("precheck.settings"))
    form.fill(services.company_profile(session))
    return _settings_page(form, upload_form, problems), 400


@bp.get("/admin/precheck/settings.yaml")
@hr_required
def download() -> ResponseReturnValue:
    """The settings as a YAML file, to keep in git or edit and upload again."""
    text = dump_profile(services.company_profile(db_session()))
    return attachment(text, filename="postwise-precheck-settings.yaml", mimetype="application/yaml")


def _settings_page(
    form: SettingsForm, upload: SettingsUploadForm, problems: list[str] | None = None
) -> str:
    lists = wordlists.load(current_app.config["PRECHECK_WORDLISTS"]).lists
    return render_template(
        "precheck/settings.html",
        form=form,
        upload=upload,
        problems=problems or [],
        lists=lists,
        extra_folder=current_app.config["PRECHECK_WORDLISTS"],
        labels=LIST_LABELS,
    )


def _show_on_fields(form: SettingsForm, problems: ProfileProblems) -> None:
    """Each problem under the field it is about."""
    for problem in problems.found:
        field = getattr(form, problem.key, None)
        if field is not None:
            message = translate(problem.message)
            field.errors = [*field.errors, message[0].upper() + message[1:]]


def _in_words(problem: ProfileProblem) -> str:
    """A file's problem as `file:line: key: message`, the message in the reader's language."""
    message = translate(problem.message)
    return f"{problem.where}{problem.key}: {message}" if problem.key else problem.where + message
