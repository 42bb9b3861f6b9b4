"""The final quiz in the browser: its overview, an attempt to answer, and the result."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.catalogues import percent
from lms.dbsession import db_session
from lms.i18n import current_language, translate
from lms.learning import quiz
from lms.learning.course_language import reading
from lms.learning.services import NotAvailable
from lms.learning.views import ButtonForm, submitted_answers

bp = Blueprint("quiz", __name__, url_prefix="/courses/<slug>/quiz")


@bp.get("/")
@login_required
def overview(slug: str) -> ResponseReturnValue:
    """The quiz's rules, the attempts so far, and the button to start or resume."""
    try:
        state = quiz.quiz_state(db_session(), current_user.id, slug)
    except NotAvailable:
        abort(404)
    return render_template(
        "learning/quiz.html", state=state, slug=slug, form=ButtonForm(), **reading(state.version)
    )


@bp.post("/attempts")
@login_required
def start(slug: str) -> ResponseReturnValue:
    """Start the next attempt (or resume the open one) and go to it."""
    session = db_session()
    try:
        attempt = quiz.start_attempt(session, current_user.id, slug)
    except NotAvailable:
        abort(404)
    except quiz.AttemptRace as race:
        session.rollback()
        page = render_template(
            "errors/error.html",
            code=409,
            title=_("Please try again"),
            message=translate(race.message),
        )
        return page, 409
    except quiz.QuizRefused as refused:
        session.rollback()
        flash(translate(refused.message), "error")
        return redirect(url_for("quiz.overview", slug=slug))
    session.commit()
    return redirect(url_for("quiz.attempt", slug=slug, number=attempt.number))


@bp.route("/attempts/<int:number>", methods=["GET", "POST"])
@login_required
def attempt(slug: str, number: int) -> ResponseReturnValue:
    """Answer an open attempt; once submitted, the result with feedback."""
    session = db_session()
    if request.method == "POST":
        try:
            submitted = quiz.submit_attempt(
                session, current_user.id, slug, number, submitted_answers()
            )
        except NotAvailable:
            abort(404)
        except quiz.QuizRefused as refused:
            session.rollback()
            return render_template(
                "errors/error.html",
                code=400,
                title=_("Your answers were not recorded"),
                message=f"{translate(refused.message)} "
                + _("Open the quiz again and answer on its page."),
            ), 400
        session.commit()
        if submitted.passed:
            flash(
                _("You passed with %(score)s.", score=percent(submitted.score, current_language())),
                "success",
            )
        return redirect(url_for("quiz.attempt", slug=slug, number=number))
    try:
        view = quiz.attempt_view(session, current_user.id, slug, number)
    except NotAvailable:
        abort(404)
    return render_template(
        "learning/attempt.html",
        view=view,
        slug=slug,
        form=ButtonForm(),
        **reading(view.state.version),
    )
