"""A draft's lessons: add, edit with a preview, move, delete (nested in the authoring blueprint)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from lms.access import hr_required
from lms.authoring import lessons, services
from lms.authoring.errors import EditConflict, Gone, Invalid
from lms.authoring.forms import LessonForm, TokenForm
from lms.authoring.tokens import lesson_token
from lms.authoring.web import LESSON_WORDS, delete_item, move_item, put_errors
from lms.courses.markdown import render
from lms.courses.models import CourseVersion, Lesson
from lms.dbsession import db_session

bp = Blueprint("lessons", __name__)


def _input(form: LessonForm) -> lessons.LessonInput:
    return lessons.LessonInput(
        slug=form.slug.data or services.suggested_slug(form.title.data or ""),
        title=form.title.data or "",
        topic=form.topic.data or "",
        minutes=form.minutes.data,
        body=form.body.data or "",
    )


def _page(
    form: LessonForm,
    version: CourseVersion,
    lesson: Lesson | None,
    *,
    conflict: Lesson | None = None,
    gone: bool = False,
) -> str:
    """The lesson form; a preview when asked for (nothing is saved by previewing)."""
    slug = version.course.slug
    preview = None
    if request.method == "POST" and form.preview.data:
        preview = render(lessons.normalized_body(form.body.data or ""))
    form.body.render_kw = {
        **(form.body.render_kw or {}),
        "data-preview-url": url_for("authoring.preview"),
    }
    action = (
        url_for(".edit", slug=slug, lesson_slug=lesson.slug)
        if lesson is not None and not gone
        else url_for(".new", slug=slug)
    )
    return render_template(
        "authoring/lesson.html",
        form=form,
        version=version,
        lesson=lesson,
        action=action,
        preview=preview,
        conflict=conflict,
        gone=gone,
        delete_form=TokenForm(data={"token": lesson_token(lesson)}) if lesson else None,
    )


@bp.route("/new", methods=["GET", "POST"])
@hr_required
def new(slug: str) -> ResponseReturnValue:
    """Add a lesson at the end of the draft."""
    session = db_session()
    version = services.draft(session, slug)
    form = LessonForm()
    if form.validate_on_submit() and form.save.data:
        try:
            lesson = lessons.add_lesson(session, slug, _input(form))
        except Invalid as error:
            put_errors(form, error.problems)
        else:
            session.commit()
            flash(gettext("Lesson “%(title)s” added.", title=lesson.title), "success")
            return redirect(url_for("authoring.course", slug=slug) + "#lessons")
    return _page(form, version, None)


@bp.route("/<lesson_slug>/edit", methods=["GET", "POST"])
@hr_required
def edit(slug: str, lesson_slug: str) -> ResponseReturnValue:
    """Edit a lesson; a save over someone else's newer save shows theirs and keeps yours."""
    session = db_session()
    if request.method == "GET":
        version, lesson = lessons.get_lesson(session, slug, lesson_slug)
        data = {
            "token": lesson_token(lesson),
            "title": lesson.title,
            "slug": lesson.slug,
            "topic": lesson.topic,
            "minutes": lesson.minutes,
            "body": lesson.body_markdown,
        }
        return _page(LessonForm(data=data), version, lesson)
    form = LessonForm()
    version = services.draft(session, slug)
    lesson = next((item for item in version.lessons if item.slug == lesson_slug), None)
    if lesson is None:
        return _page(form, version, None, gone=True)
    if form.validate_on_submit() and form.save.data:
        try:
            lesson = lessons.update_lesson(
                session, slug, lesson_slug, _input(form), token=form.token.data or ""
            )
        except Gone:
            return _page(form, version, None, gone=True)
        except EditConflict as error:
            form.token.data = lesson_token(error.current)
            return _page(form, version, lesson, conflict=error.current)
        except Invalid as error:
            put_errors(form, error.problems)
        else:
            session.commit()
            flash(gettext("Lesson “%(title)s” saved.", title=lesson.title), "success")
            return redirect(url_for("authoring.course", slug=slug) + "#lessons")
    return _page(form, version, lesson)


@bp.post("/<lesson_slug>/move")
@hr_required
def move(slug: str, lesson_slug: str) -> ResponseReturnValue:
    """Move a lesson one place up or down."""
    return move_item(
        lambda offset: lessons.move_lesson(db_session(), slug, lesson_slug, offset),
        LESSON_WORDS,
        url_for("authoring.course", slug=slug) + "#lessons",
    )


@bp.post("/<lesson_slug>/delete")
@hr_required
def delete(slug: str, lesson_slug: str) -> ResponseReturnValue:
    """Delete a lesson, unless it changed since its page was opened or questions link to it."""
    return delete_item(
        lambda token: lessons.delete_lesson(db_session(), slug, lesson_slug, token=token),
        LESSON_WORDS,
        url_for("authoring.course", slug=slug) + "#lessons",
        url_for(".edit", slug=slug, lesson_slug=lesson_slug),
        lambda: _named(slug, lesson_slug),
    )


def _named(slug: str, lesson_slug: str) -> tuple[str, str]:
    version, lesson = lessons.get_lesson(db_session(), slug, lesson_slug)
    return lesson.title, version.title
