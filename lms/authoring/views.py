"""HR's course pages: the list, creating, drafting, settings, publishing, history and zips.

Lessons and questions have their own small blueprints, nested here, so every authoring
endpoint is `authoring.…` and every page sits under /admin/courses/.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext, ngettext
from flask_login import current_user
from werkzeug.exceptions import NotFound
from wtforms.fields.choices import SelectChoice

from lms.access import hr_required
from lms.assignments.sync import sync_assignments
from lms.authoring import services
from lms.authoring.diffs import compare
from lms.authoring.errors import DraftInTheWay, EditConflict, Gone, Invalid, NoDraft
from lms.authoring.forms import (
    CompareForm,
    NewCourseForm,
    PreviewForm,
    PublishForm,
    SettingsForm,
    TokenForm,
    UploadForm,
)
from lms.authoring.labels import label
from lms.authoring.lesson_views import bp as lessons_bp
from lms.authoring.publishing import publish_draft, publish_problems
from lms.authoring.question_views import bp as questions_bp
from lms.authoring.tokens import settings_token
from lms.authoring.translation_views import bp as translations_bp
from lms.authoring.web import no_draft, put_errors
from lms.authoring.zips import ZipRefused, pack_from_zip, pack_zip
from lms.courses.markdown import render
from lms.courses.packs import PackError, QuizSettings
from lms.courses.services import UnknownCourse, get_version, version_as_pack
from lms.dbsession import db_session
from lms.downloads import attachment
from lms.i18n import translate

bp = Blueprint("authoring", __name__, url_prefix="/admin/courses")
bp.register_blueprint(lessons_bp, url_prefix="/<slug>/lessons")
bp.register_blueprint(questions_bp, url_prefix="/<slug>/questions")
bp.register_blueprint(translations_bp, url_prefix="/<slug>/translations")


@bp.context_processor
def _labels() -> dict[str, object]:
    """`label("topic", lesson.topic)` and the like: codes shown as marked words."""
    return {"label": label}


@bp.errorhandler(NoDraft)
def _no_draft(error: NoDraft) -> ResponseReturnValue:
    return no_draft(str(error.args[0]))


@bp.errorhandler(UnknownCourse)
@bp.errorhandler(Gone)
def _not_found(_error: Exception) -> ResponseReturnValue:
    return current_app.handle_http_exception(NotFound())


@bp.get("/")
@hr_required
def index() -> ResponseReturnValue:
    """Every course with its versions: status, who published and when."""
    return render_template("authoring/index.html", rows=services.course_rows(db_session()))


@bp.route("/new", methods=["GET", "POST"])
@hr_required
def new_course() -> ResponseReturnValue:
    """Start a course: its name and kind; it begins as an empty version 1 draft."""
    form = NewCourseForm()
    if form.validate_on_submit():
        session = db_session()
        new = services.NewCourse(
            slug=form.slug.data or services.suggested_slug(form.title.data or ""),
            title=form.title.data or "",
            kind=form.kind.data or "",
            summary=form.summary.data or "",
            minutes=form.minutes.data,
        )
        try:
            services.create_course(session, new, actor_id=current_user.id)
        except Invalid as error:
            put_errors(form, error.problems)
        else:
            session.commit()
            flash(
                gettext(
                    "“%(title)s” is created as a draft. Add its lessons and questions.",
                    title=new.title,
                ),
                "success",
            )
            return redirect(url_for(".course", slug=new.slug))
    return render_template("authoring/new.html", form=form)


@bp.get("/<slug>")
@hr_required
def course(slug: str) -> ResponseReturnValue:
    """A course's newest version: the draft's contents to edit, or Edit to start a draft."""
    session = db_session()
    row = services.course_row(session, slug)
    version = services.newest_version(session, slug)
    problems = publish_problems(version) if version.status == "draft" else []
    return render_template(
        "authoring/course.html", row=row, version=version, problems=problems, form=TokenForm()
    )


@bp.post("/<slug>/draft")
@hr_required
def start_draft(slug: str) -> ResponseReturnValue:
    """Edit a published course: a new draft copied from its newest version."""
    session = db_session()
    version, created = services.start_draft(session, slug)
    session.commit()
    if created:
        flash(
            gettext(
                "Version %(number)d is a new draft, copied from version %(previous)d. "
                "Learners see nothing of it until you publish it.",
                number=version.number,
                previous=version.number - 1,
            ),
            "success",
        )
    return redirect(url_for(".course", slug=slug))


@bp.route("/<slug>/settings", methods=["GET", "POST"])
@hr_required
def settings(slug: str) -> ResponseReturnValue:
    """The draft's title, summary and quiz settings."""
    session = db_session()
    version = services.draft(session, slug)
    conflict = None
    form = SettingsForm(data=_settings_data(version) if request.method == "GET" else None)
    if form.validate_on_submit():
        quiz = QuizSettings(
            pass_mark=form.pass_mark.data,  # type: ignore[arg-type]
            max_attempts=form.max_attempts.data,
            shuffle_questions=form.shuffle_questions.data,
            shuffle_choices=form.shuffle_choices.data,
            draw=form.draw.data,
            show_answers=form.show_answers.data or "",
        )
        data = services.CourseSettings(
            title=form.title.data or "",
            summary=form.summary.data or "",
            minutes=form.minutes.data,
            requires_guideline=form.requires_guideline.data,
            quiz=quiz,
        )
        try:
            services.update_settings(session, slug, data, token=form.token.data or "")
        except EditConflict as error:
            conflict = error.current
            form.token.data = settings_token(conflict)
        except Invalid as error:
            put_errors(form, error.problems)
        else:
            session.commit()
            flash(gettext("Settings saved."), "success")
            return redirect(url_for(".course", slug=slug))
    return render_template("authoring/settings.html", form=form, version=version, conflict=conflict)


def _settings_data(version: object) -> dict[str, object]:
    names = SettingsForm.FIELDS
    data = {name: getattr(version, name) for name in names}
    data["token"] = settings_token(version)  # type: ignore[arg-type]
    return data


@bp.route("/<slug>/publish", methods=["GET", "POST"])
@hr_required
def publish(slug: str) -> ResponseReturnValue:
    """Review what changed since the published version, then publish with a change note."""
    session = db_session()
    version = services.draft(session, slug)
    form = PublishForm(
        data={"fingerprint": version.fingerprint} if request.method == "GET" else None
    )
    problems, changed = publish_problems(version), False
    if form.validate_on_submit():
        try:
            publish_draft(
                session,
                slug,
                fingerprint=form.fingerprint.data or "",
                note=form.note.data or "",
                requires_reacknowledgement=form.requires_reacknowledgement.data,
                actor_id=current_user.id,
            )
        except EditConflict:
            changed = True
            form.fingerprint.data = version.fingerprint
        except Invalid as error:
            put_errors(form, error.problems)
        else:
            said = gettext(
                "Version %(number)d is published. Anyone who started an earlier version "
                "finishes that one; everyone else gets this one.",
                number=version.number,
            )
            if form.requires_reacknowledgement.data:
                # Completions of the earlier versions stop counting: new cycles, due again.
                summary = sync_assignments(session)
                said += " " + ngettext(
                    "Everyone must acknowledge it again: %(num)d renewed.",
                    "Everyone must acknowledge it again: %(num)d renewed.",
                    summary.recertified,
                )
            session.commit()
            flash(said, "success")
            return redirect(url_for(".course", slug=slug))
    previous = get_version(session, slug, version.number - 1) if version.number > 1 else None
    diff = compare(version_as_pack(previous), version_as_pack(version)) if previous else None
    return render_template(
        "authoring/publish.html",
        form=form,
        version=version,
        problems=problems,
        previous=previous,
        diff=diff,
        changed=changed,
    )


@bp.get("/<slug>/history")
@hr_required
def history(slug: str) -> ResponseReturnValue:
    """Every version, and what changed between any two of them."""
    session = db_session()
    row = services.course_row(session, slug)
    numbers = [version.number for version in row.versions]
    form = CompareForm(request.args)
    choices = [SelectChoice(n, gettext("Version %(number)d", number=n)) for n in reversed(numbers)]
    form.old.choices, form.new.choices = choices, choices
    diff = None
    if len(numbers) > 1:
        if not request.args:
            form.old.data, form.new.data = numbers[-2], numbers[-1]
        form.validate()
        for field in (form.old, form.new):
            if field.data not in numbers:
                field.errors = [gettext("Choose one of the course's versions.")]
        if not (form.old.errors or form.new.errors):
            old, new = (get_version(session, slug, n) for n in (form.old.data, form.new.data))
            diff = compare(version_as_pack(old), version_as_pack(new))
    return render_template("authoring/history.html", row=row, form=form, diff=diff)


@bp.get("/<slug>/versions/<int:number>.zip")
@hr_required
def download(slug: str, number: int) -> ResponseReturnValue:
    """A version as a zipped course pack: the same files `lms courses export` writes."""
    version = get_version(db_session(), slug, number)
    return attachment(
        pack_zip(version_as_pack(version)),
        filename=f"{version.course.slug}-v{version.number}.zip",
        mimetype="application/zip",
    )


@bp.route("/upload", methods=["GET", "POST"])
@hr_required
def upload() -> ResponseReturnValue:
    """A zipped pack becomes a draft, checked as `lms courses import` checks a folder."""
    form = UploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        session = db_session()
        max_bytes = current_app.config["IMPORT_MAX_MB"] * 1_048_576
        try:
            pack = pack_from_zip(form.file.data.read(max_bytes + 1), max_bytes=max_bytes)
            result = services.upload_pack(
                session, pack, replace_draft=form.replace_draft.data, actor_id=current_user.id
            )
        except ZipRefused as error:
            problems = [translate(message) for message in error.messages]
        except PackError as error:
            problems = error.problems  # the pack format's rules, in English for now
        except DraftInTheWay as error:
            form.replace_draft.errors = [
                gettext(
                    "This course already has a draft (version %(number)d) with other content. "
                    "Tick this to replace it, or edit that draft instead.",
                    number=error.number,
                )
            ]
        else:
            session.commit()
            number = result.version.number
            if not result.created:
                said = gettext(
                    "Version %(number)d already has exactly this content; nothing changed.",
                    number=number,
                )
            elif result.version.status == "published":
                said = gettext(
                    "Uploaded “%(title)s” as version %(number)d (published).",
                    title=pack.title,
                    number=number,
                )
            else:
                said = gettext(
                    "Uploaded “%(title)s” as version %(number)d (draft).",
                    title=pack.title,
                    number=number,
                )
            flash(said, "success")
            return redirect(url_for(".course", slug=pack.slug))
    return render_template("authoring/upload.html", form=form, problems=problems)


@bp.post("/preview")
@hr_required
def preview() -> ResponseReturnValue:
    """Lesson Markdown as learners will see it, for the live preview while typing."""
    form = PreviewForm()
    html = render(form.body.data or "")
    return Response(html, mimetype="text/html", headers={"Cache-Control": "no-store"})
