"""A draft's quiz questions: add, edit, move, delete (nested in the authoring blueprint)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from wtforms.fields.choices import SelectChoice

from lms.access import hr_required
from lms.authoring import questions, services
from lms.authoring.errors import EditConflict, Gone, Invalid
from lms.authoring.forms import QuestionForm, TokenForm
from lms.authoring.tokens import question_token
from lms.authoring.web import QUESTION_WORDS, delete_item, move_item, put_errors
from lms.courses.models import CourseVersion, Question
from lms.courses.packs import ChoiceSource, QuestionSource
from lms.dbsession import db_session

bp = Blueprint("questions", __name__)


def _input(form: QuestionForm) -> QuestionSource:
    prompt = form.prompt.data or ""
    return QuestionSource(
        key=form.key.data or services.suggested_slug(prompt or form.post.data or ""),
        kind=form.kind.data or "",
        prompt=prompt,
        choices=tuple(
            ChoiceSource(e.form.text.data or "", bool(e.form.correct.data), e.form.feedback.data)
            for e in form.choices.entries
            if not e.form.is_blank
        ),
        explanation=form.explanation.data or "",
        lesson=form.lesson.data or None,
        post=form.post.data or None,
        post_kind=form.post_kind.data or None,
        knowledge_check=form.knowledge_check.data,
    )


def _data(question: Question) -> dict[str, object]:
    return {
        "token": question_token(question),
        "key": question.key,
        "kind": question.kind,
        "lesson": question.lesson_slug or "",
        "knowledge_check": question.knowledge_check,
        "post_kind": question.post_kind or "",
        "post": question.post or "",
        "prompt": question.prompt,
        "explanation": question.explanation,
        "choices": [
            {"text": c.text, "correct": c.is_correct, "feedback": c.feedback or ""}
            for c in question.choices
        ],
    }


def _page(
    form: QuestionForm,
    version: CourseVersion,
    question: Question | None,
    *,
    problems: dict[str, list[str]] | None = None,
    conflict: Question | None = None,
    gone: bool = False,
) -> str:
    slug = version.course.slug
    form.lesson.choices = [SelectChoice("", gettext("(none)"))] + [
        SelectChoice(lesson.slug, lesson.title) for lesson in version.lessons
    ]
    form.with_spare_rows()
    action = (
        url_for(".edit", slug=slug, key=question.key)
        if question is not None and not gone
        else url_for(".new", slug=slug)
    )
    return render_template(
        "authoring/question.html",
        form=form,
        version=version,
        question=question,
        action=action,
        problems=problems or {},
        conflict=conflict,
        gone=gone,
        delete_form=TokenForm(data={"token": question_token(question)}) if question else None,
    )


@bp.route("/new", methods=["GET", "POST"])
@hr_required
def new(slug: str) -> ResponseReturnValue:
    """Add a question at the end of the quiz."""
    session = db_session()
    version = services.draft(session, slug)
    form = QuestionForm()
    problems: dict[str, list[str]] = {}
    if form.validate_on_submit():
        try:
            question = questions.add_question(session, slug, _input(form))
        except Invalid as error:
            problems = put_errors(form, error.problems)
        else:
            session.commit()
            flash(gettext("Question “%(key)s” added.", key=question.key), "success")
            return redirect(url_for("authoring.course", slug=slug) + "#questions")
    return _page(form, version, None, problems=problems)


@bp.route("/<key>/edit", methods=["GET", "POST"])
@hr_required
def edit(slug: str, key: str) -> ResponseReturnValue:
    """Edit a question; a save over someone else's newer save shows theirs and keeps yours."""
    session = db_session()
    if request.method == "GET":
        version, question = questions.get_question(session, slug, key)
        return _page(QuestionForm(data=_data(question)), version, question)
    form = QuestionForm()
    version = services.draft(session, slug)
    question = next((item for item in version.questions if item.key == key), None)
    if question is None:
        return _page(form, version, None, gone=True)
    problems: dict[str, list[str]] = {}
    if form.validate_on_submit():
        try:
            question = questions.update_question(
                session, slug, key, _input(form), token=form.token.data or ""
            )
        except Gone:
            return _page(form, version, None, gone=True)
        except EditConflict as error:
            form.token.data = question_token(error.current)
            return _page(form, version, question, conflict=error.current)
        except Invalid as error:
            problems = put_errors(form, error.problems)
        else:
            session.commit()
            flash(gettext("Question “%(key)s” saved.", key=question.key), "success")
            return redirect(url_for("authoring.course", slug=slug) + "#questions")
    return _page(form, version, question, problems=problems)


@bp.post("/<key>/move")
@hr_required
def move(slug: str, key: str) -> ResponseReturnValue:
    """Move a question one place up or down."""
    return move_item(
        lambda offset: questions.move_question(db_session(), slug, key, offset),
        QUESTION_WORDS,
        url_for("authoring.course", slug=slug) + "#questions",
    )


@bp.post("/<key>/delete")
@hr_required
def delete(slug: str, key: str) -> ResponseReturnValue:
    """Delete a question, unless it changed since its page was opened."""
    return delete_item(
        lambda token: questions.delete_question(db_session(), slug, key, token=token),
        QUESTION_WORDS,
        url_for("authoring.course", slug=slug) + "#questions",
        url_for(".edit", slug=slug, key=key),
        lambda: _named(slug, key),
    )


def _named(slug: str, key: str) -> tuple[str, str]:
    version, question = questions.get_question(db_session(), slug, key)
    prompt = " ".join(question.prompt.split())
    return (prompt if len(prompt) <= 80 else prompt[:79].rstrip() + "…"), version.title
