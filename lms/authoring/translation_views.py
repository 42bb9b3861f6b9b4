"""A course's translations for HR: how far each language covers the newest version, and a
lesson's translation edited beside its English source (nested in the authoring blueprint)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField

from lms.access import hr_required
from lms.authoring import services
from lms.authoring.errors import Gone, Invalid, NoDraft
from lms.authoring.translations import (
    LessonTranslationInput,
    UnknownLanguage,
    lesson_translation,
    save_lesson_translation,
)
from lms.authoring.web import put_errors
from lms.courses.pack_translations import LANGUAGES
from lms.courses.translations import lesson_digest, translation_status
from lms.dbsession import db_session

bp = Blueprint("translations", __name__)


class LessonTranslationForm(FlaskForm):
    title = StringField(lazy_gettext("Title"))
    body = TextAreaField(
        lazy_gettext("Lesson text (Markdown)"),
        description=lazy_gettext("The same Markdown as the source: ## headings, - lists, links."),
        render_kw={"rows": 24},
    )
    save = SubmitField(lazy_gettext("Save translation"))


@bp.get("/")
@hr_required
def overview(slug: str) -> ResponseReturnValue:
    """Each language: what is translated, what lags behind its source, what is missing."""
    session = db_session()
    version = services.newest_version(session, slug)
    return render_template(
        "authoring/translations.html",
        version=version,
        statuses=translation_status(session, version),
        titles={lesson.slug: lesson.title for lesson in version.lessons},
    )


@bp.route("/<language>/lessons/<lesson_slug>", methods=["GET", "POST"])
@hr_required
def lesson(slug: str, language: str, lesson_slug: str) -> ResponseReturnValue:
    """The English lesson on the left, its translation to edit on the right."""
    session = db_session()
    try:
        version, source, translation = lesson_translation(session, slug, language, lesson_slug)
    except (UnknownLanguage, Gone):
        abort(404)
    except NoDraft:
        flash(
            _(
                "Translations change in a draft, like the rest of a course. "
                "Edit the course to start one."
            ),
            "info",
        )
        return redirect(url_for("authoring.translations.overview", slug=slug))
    form = LessonTranslationForm(
        data={"title": translation.title, "body": translation.body_markdown}
        if translation
        else None
    )
    if form.validate_on_submit():
        data = LessonTranslationInput(form.title.data or "", form.body.data or "")
        try:
            save_lesson_translation(session, slug, language, lesson_slug, data)
        except Invalid as error:
            put_errors(form, error.problems)
        else:
            session.commit()
            flash(
                _(
                    "The %(language)s translation of “%(lesson)s” is saved.",
                    language=LANGUAGES[language],
                    lesson=source.title,
                ),
                "success",
            )
            return redirect(url_for("authoring.translations.overview", slug=slug))
    return render_template(
        "authoring/translation_lesson.html",
        form=form,
        version=version,
        source=source,
        language=language,
        language_name=LANGUAGES[language],
        behind=translation is not None and translation.source_digest != lesson_digest(source),
        is_new=translation is None,
    )
