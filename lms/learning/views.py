"""The learner's pages: a course, its lessons, the catalogue, the guideline to acknowledge."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from lms.dbsession import db_session
from lms.errors import render_error
from lms.i18n import translate
from lms.learning import guideline, quiz, services
from lms.learning.course_language import reading, titles_in_this_language
from lms.learning.services import NotAvailable
from lms.learning.statuses import LABELS
from lms.web_security import safe_next_url

bp = Blueprint("learning", __name__)


class ButtonForm(FlaskForm):
    """A form that is only a button: CSRF token and nothing else."""


@bp.app_template_global()
def status_label(status: str) -> str:
    """A course status as people read it, in their language ("overdue" → "Overdue")."""
    return translate(LABELS[status])


def submitted_answers() -> dict[str, list[str]]:
    """Quiz answers as the browser sent them: field q<question id> → chosen choice ids.

    Only read here; the quiz service checks every id against what was really asked.
    """
    return {
        key.removeprefix("q"): request.form.getlist(key)
        for key in request.form
        if key.startswith("q")
    }


@bp.get("/courses/<slug>")
@login_required
def course(slug: str) -> ResponseReturnValue:
    """The course outline with what is done and where to continue."""
    try:
        view = services.course_view(db_session(), current_user.id, slug)
    except NotAvailable:
        abort(404)
    return render_template(
        "learning/course.html", view=view, form=ButtonForm(), **reading(view.version)
    )


@bp.get("/courses/<slug>/lessons/<lesson_slug>")
@login_required
def lesson(slug: str, lesson_slug: str) -> ResponseReturnValue:
    """One lesson of the version this person takes, with previous and next."""
    return _lesson_page(slug, lesson_slug)


@bp.post("/courses/<slug>/lessons/<lesson_slug>/check")
@login_required
def check(slug: str, lesson_slug: str) -> ResponseReturnValue:
    """Score the lesson's knowledge check and show the feedback; nothing is recorded."""
    return _lesson_page(slug, lesson_slug, submitted_answers())


def _lesson_page(
    slug: str, lesson_slug: str, selections: dict[str, list[str]] | None = None
) -> ResponseReturnValue:
    try:
        view = services.course_view(db_session(), current_user.id, slug)
    except NotAvailable:
        abort(404)
    position = next((i for i, item in enumerate(view.lessons) if item.slug == lesson_slug), None)
    if position is None:
        abort(404)
    questions = services.knowledge_check(db_session(), view.version, lesson_slug)
    result = None
    if selections is not None:
        if not questions:
            abort(404)
        try:
            result = quiz.check_knowledge(questions, selections)
        except quiz.QuizRefused as refused:
            return render_error(
                400,
                _("Your answers were not checked"),
                f"{translate(refused.message)} "
                + _("Open the lesson again and answer on its page."),
            )
    return render_template(
        "learning/lesson.html",
        view=view,
        lesson=view.lessons[position],
        previous=view.lessons[position - 1] if position > 0 else None,
        following=view.lessons[position + 1] if position + 1 < len(view.lessons) else None,
        questions=questions,
        result=result,
        form=ButtonForm(),
        **reading(view.version),
    )


@bp.post("/courses/<slug>/lessons/<lesson_slug>/done")
@login_required
def mark_done(slug: str, lesson_slug: str) -> ResponseReturnValue:
    """Mark a lesson done, then go on to the next one (or back to the course)."""
    session = db_session()
    try:
        view = services.mark_lesson_done(session, current_user.id, slug, lesson_slug)
    except NotAvailable:
        abort(404)
    session.commit()
    following = view.next_lesson
    if view.enrollment.completed_at is not None:
        translated = titles_in_this_language([view.version]).get(view.version.id)
        title = translated.title if translated is not None else view.version.title
        flash(_("Well done: you have completed %(course)s.", course=title), "success")
        return redirect(url_for("learning.course", slug=slug))
    if following is not None:
        flash(_("Lesson marked as done."), "success")
        return redirect(url_for("learning.lesson", slug=slug, lesson_slug=following.slug))
    if services.QUIZ in view.remaining:
        flash(_("Every lesson is done. Take the final quiz to complete the course."), "info")
        return redirect(url_for("quiz.overview", slug=slug))
    if services.GUIDELINE in view.remaining:
        flash(_("Every lesson is done. Acknowledge the guideline to complete the course."), "info")
        course = url_for("learning.course", slug=slug)
        return redirect(url_for("learning.guideline_page", next=course))
    flash(_("Lesson marked as done."), "success")
    return redirect(url_for("learning.course", slug=slug))


@bp.get("/catalogue")
@login_required
def catalogue() -> ResponseReturnValue:
    """Optional courses anyone may take."""
    courses = services.catalogue(db_session(), current_user.id)
    return render_template(
        "learning/catalogue.html",
        courses=courses,
        translated=titles_in_this_language(courses),
        form=ButtonForm(),
    )


@bp.post("/courses/<slug>/enrol")
@login_required
def enrol(slug: str) -> ResponseReturnValue:
    """Take an optional course."""
    session = db_session()
    try:
        services.enroll_self(session, current_user.id, slug)
    except NotAvailable:
        abort(404)
    session.commit()
    return redirect(url_for("learning.course", slug=slug))


@bp.get("/guideline")
@login_required
def guideline_page() -> ResponseReturnValue:
    """The current guideline, what changed since the version acknowledged, and the confirmation."""
    session = db_session()
    status = guideline.guideline_status(session, current_user.id)
    if status is None:
        abort(404)
    changes = (
        guideline.changes_between(status.acknowledged, status.current)
        if status.is_reacknowledgement and status.acknowledged is not None
        else []
    )
    return render_template(
        "learning/guideline.html",
        status=status,
        changes=changes,
        form=ButtonForm(),
        next_url=request.args.get("next", ""),
        **reading(status.current),
    )


@bp.post("/guideline/acknowledge")
@login_required
def acknowledge() -> ResponseReturnValue:
    """Record the acknowledgement of the current version, then complete what waited for it."""
    session = db_session()
    status = guideline.guideline_status(session, current_user.id)
    if status is None:
        abort(404)
    services.acknowledge_guideline(session, current_user.id, status.current, request.remote_addr)
    session.commit()
    flash(
        _(
            "Thank you: you acknowledged version %(number)s of the guideline.",
            number=status.current.number,
        ),
        "success",
    )
    return redirect(safe_next_url(request.form.get("next")) or url_for("home.index"))
