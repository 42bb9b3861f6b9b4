"""A course's translations for HR: how far each language covers the newest version, and a
lesson's translation edited beside its English source (nested in the authoring blueprint)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField

from lms.access import hr_required
from lms.authoring import services
from lms.authoring.errors import Gone, Invalid, NoDraft
from lms.authoring.translations import (
    LessonTranslationInput,
    QuestionTranslationInput,
    UnknownLanguage,
    lesson_translation,
    question_translation,
    save_course_translation,
    save_lesson_translation,
    save_question_translation,
)
from lms.authoring.web import put_errors
from lms.courses.models import Question, QuestionTranslation
from lms.courses.pack_translations import LANGUAGES
from lms.courses.translations import lesson_digest, question_digest, translation_status
from lms.dbsession import db_session

bp = Blueprint("translations", __name__)


class LessonTranslationForm(FlaskForm):
    title = StringField(_("Title"))
    body = TextAreaField(
        _("Lesson text (Markdown)"),
        description=_("The same Markdown as the source: ## headings, - lists, links."),
        render_kw={"rows": 24},
    )
    save = SubmitField(_("Save translation"))


class CourseTranslationForm(FlaskForm):
    title = StringField(_("Title"))
    summary = TextAreaField(_("Summary"), render_kw={"rows": 4})
    save = SubmitField(_("Save translation"))


def _needs_a_draft(slug: str) -> ResponseReturnValue:
    """Translations of a published version are read only: say so, back to the overview."""
    flash(
        gettext(
            "Translations change in a draft, like the rest of a course. "
            "Edit the course to start one."
        ),
        "info",
    )
    return redirect(url_for("authoring.translations.overview", slug=slug))


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
        questions=version.questions,
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
        return _needs_a_draft(slug)
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
                gettext(
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


def _question_form(question: Question, found: QuestionTranslation | None) -> FlaskForm:
    """A form with one field for each text the source question has."""

    class QuestionTranslationForm(FlaskForm):
        pass

    form_class = QuestionTranslationForm
    form_class.prompt = TextAreaField(gettext("Question"), render_kw={"rows": 3})
    if question.post is not None:
        form_class.post = TextAreaField(gettext("The post"), render_kw={"rows": 5})
    for index, choice in enumerate(question.choices):
        number = index + 1
        setattr(
            form_class,
            f"choice_{index}_text",
            TextAreaField(gettext("Choice %(number)d", number=number), render_kw={"rows": 2}),
        )
        if choice.feedback:
            setattr(
                form_class,
                f"choice_{index}_feedback",
                TextAreaField(
                    gettext("Feedback on choice %(number)d", number=number), render_kw={"rows": 2}
                ),
            )
    form_class.explanation = TextAreaField(gettext("Why (shown after answering)"))
    form_class.save = SubmitField(gettext("Save translation"))
    data: dict[str, object] | None = None
    if found is not None and len(found.choices) == len(question.choices):
        data = {"prompt": found.prompt or "", "post": found.post, "explanation": found.explanation}
        for index, words in enumerate(found.choices):
            data[f"choice_{index}_text"] = words["text"]
            data[f"choice_{index}_feedback"] = words.get("feedback") or ""
    return form_class(data=data)


@bp.route("/<language>/questions/<key>", methods=["GET", "POST"])
@hr_required
def question(slug: str, language: str, key: str) -> ResponseReturnValue:
    """The English question on the left, its translation to edit on the right."""
    session = db_session()
    try:
        version, source, found = question_translation(session, slug, language, key)
    except (UnknownLanguage, Gone):
        abort(404)
    except NoDraft:
        return _needs_a_draft(slug)
    form = _question_form(source, found)
    if form.validate_on_submit():
        fields = form._fields
        data = QuestionTranslationInput(
            prompt=fields["prompt"].data or "",
            post=fields["post"].data if "post" in fields else None,
            explanation=fields["explanation"].data or "",
            choices=tuple(
                (
                    fields[f"choice_{index}_text"].data or "",
                    fields[f"choice_{index}_feedback"].data or ""
                    if f"choice_{index}_feedback" in fields
                    else "",
                )
                for index in range(len(source.choices))
            ),
        )
        try:
            save_question_translation(session, slug, language, key, data)
        except Gone:
            abort(409)
        except Invalid as error:
            put_errors(form, error.problems)
        else:
            session.commit()
            flash(
                gettext(
                    "The %(language)s translation of question %(key)s is saved.",
                    language=LANGUAGES[language],
                    key=key,
                ),
                "success",
            )
            return redirect(url_for("authoring.translations.overview", slug=slug))
    return render_template(
        "authoring/translation_question.html",
        form=form,
        version=version,
        source=source,
        language=language,
        language_name=LANGUAGES[language],
        behind=found is not None and found.source_digest != question_digest(source),
        is_new=found is None,
    )


@bp.route("/<language>/course", methods=["GET", "POST"])
@hr_required
def course(slug: str, language: str) -> ResponseReturnValue:
    """The course's title and summary in English, and in `language` to edit."""
    if language not in LANGUAGES:
        abort(404)
    session = db_session()
    try:
        version = services.draft(session, slug)
    except NoDraft:
        return _needs_a_draft(slug)
    found = next((t for t in version.translations if t.language == language), None)
    form = CourseTranslationForm(
        data={"title": found.title, "summary": found.summary} if found else None
    )
    if form.validate_on_submit():
        try:
            save_course_translation(
                session, slug, language, form.title.data or "", form.summary.data or ""
            )
        except Invalid as error:
            put_errors(form, error.problems)
        else:
            session.commit()
            flash(
                gettext(
                    "The course's %(language)s title and summary are saved.",
                    language=LANGUAGES[language],
                ),
                "success",
            )
            return redirect(url_for("authoring.translations.overview", slug=slug))
    return render_template(
        "authoring/translation_course.html",
        form=form,
        version=version,
        language=language,
        language_name=LANGUAGES[language],
    )
