"""Forms for authoring. They read and convert what the browser sends; the services hold the
rules (the pack format's), and the views put the services' messages next to these fields."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    Form,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import FieldList, FormField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from lms.authoring.labels import POST_KIND_LABELS, SHOW_ANSWER_LABELS, TOPIC_LABELS
from lms.courses.models import Course, CourseVersion, Lesson, Question
from lms.courses.packs import KINDS, TOPICS
from lms.courses.quiz_rules import POST_KINDS, QUESTION_KINDS, SHOW_ANSWERS
from lms.form_limits import FitsColumn


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


WHOLE = _("Enter a whole number.")
KIND_LABELS = {"course": _("Course"), "guideline": _("Guideline (to read and acknowledge)")}
QUESTION_KIND_LABELS = {
    "single": _("One right answer"),
    "multiple": _("Several right answers (select all that apply)"),
    "true_false": _("True or false (choices: True and False)"),
    "scenario": _("Scenario: a draft post, and what to do about it"),
}


class NewCourseForm(FlaskForm):
    title = StringField(
        _("Title"),
        filters=[_strip],
        validators=[InputRequired(_("Give the course a title.")), FitsColumn(CourseVersion.title)],
    )
    slug = StringField(
        _("Short name"),
        filters=[_strip],
        validators=[FitsColumn(Course.slug)],
        description=_(
            "Lower-case letters, digits and hyphens; it becomes part of the web address. "
            "For example: posting-well."
        ),
    )
    kind = SelectField(
        _("Kind"),
        choices=[SelectChoice(kind, KIND_LABELS[kind]) for kind in KINDS],
        validate_choice=False,
    )
    summary = TextAreaField(
        _("Summary"), description=_("One or two sentences learners see in the catalogue.")
    )
    minutes = IntegerField(_("Minutes to complete"), default=15, validators=[InputRequired(WHOLE)])


# Select fields accept any value: the services check them with the pack format's messages.


class SettingsForm(FlaskForm):
    # The fields that mirror CourseVersion columns of the same name.
    FIELDS = (
        "title",
        "summary",
        "minutes",
        "requires_guideline",
        "pass_mark",
        "max_attempts",
        "shuffle_questions",
        "shuffle_choices",
        "draw",
        "show_answers",
    )
    token = HiddenField()
    title = StringField(_("Title"), filters=[_strip], validators=[FitsColumn(CourseVersion.title)])
    summary = TextAreaField(_("Summary"))
    minutes = IntegerField(_("Minutes to complete"), validators=[InputRequired(WHOLE)])
    requires_guideline = BooleanField(_("Completing it needs the current guideline acknowledged"))
    pass_mark = IntegerField(_("Pass mark (%)"), validators=[InputRequired(WHOLE)])
    max_attempts = IntegerField(
        _("Attempts allowed"),
        validators=[Optional()],
        description=_("Leave empty for unlimited."),
    )
    shuffle_questions = BooleanField(_("Shuffle the questions"))
    shuffle_choices = BooleanField(_("Shuffle the choices"))
    draw = IntegerField(
        _("Questions per attempt"),
        validators=[Optional()],
        description=_("Drawn from the quiz's questions; leave empty to ask them all."),
    )
    show_answers = SelectField(
        _("Show the correct answers"),
        choices=[SelectChoice(v, SHOW_ANSWER_LABELS[v]) for v in SHOW_ANSWERS],
        validate_choice=False,
    )


class LessonForm(FlaskForm):
    token = HiddenField()
    title = StringField(_("Title"), filters=[_strip], validators=[FitsColumn(Lesson.title)])
    slug = StringField(
        _("Short name"),
        filters=[_strip],
        validators=[FitsColumn(Lesson.slug)],
        description=_(
            "Lower-case letters, digits and hyphens; it becomes part of the web address. "
            "Empty: made from the title."
        ),
    )
    topic = SelectField(
        _("Topic"),
        choices=[SelectChoice(t, TOPIC_LABELS[t]) for t in TOPICS],
        validate_choice=False,
    )
    minutes = IntegerField(_("Minutes to read"), default=5, validators=[InputRequired(WHOLE)])
    body = TextAreaField(
        _("Lesson text (Markdown)"),
        description=_(
            "Headings with ##, lists with -, links as [text](https://…). HTML is not allowed."
        ),
        render_kw={"rows": 18, "data-preview": "lesson-preview"},
    )
    preview = SubmitField(_("Preview"))
    save = SubmitField(_("Save lesson"))


class ChoiceForm(Form):
    """One row of a question's choices; an empty row is left out."""

    text = StringField(_("Choice"), filters=[_strip])
    correct = BooleanField(_("Correct"))
    feedback = StringField(_("Feedback"), filters=[_strip])

    @property
    def is_blank(self) -> bool:
        return not (self.text.data or self.feedback.data or self.correct.data)


class QuestionForm(FlaskForm):
    token = HiddenField()
    key = StringField(
        _("Id"),
        filters=[_strip],
        validators=[FitsColumn(Question.key)],
        description=_(
            "Lower-case letters, digits and hyphens, unique in the course. "
            "It keeps answers matched across versions. Empty: made from the prompt."
        ),
    )
    kind = SelectField(
        _("Kind"),
        choices=[SelectChoice(k, QUESTION_KIND_LABELS[k]) for k in QUESTION_KINDS],
        validate_choice=False,
    )
    lesson = SelectField(_("Lesson that teaches it"), choices=[], validate_choice=False)
    knowledge_check = BooleanField(
        _("Knowledge check: ask it at the end of its lesson, for practice, not in the final quiz")
    )
    post_kind = SelectField(
        _("Scenario: kind of draft"),
        choices=[SelectChoice("", _("(not a scenario)"))]
        + [SelectChoice(kind, POST_KIND_LABELS[kind]) for kind in POST_KINDS],
        validate_choice=False,
    )
    post = TextAreaField(_("Scenario: the draft post"), render_kw={"rows": 4})
    prompt = TextAreaField(
        _("Question"),
        render_kw={"rows": 2},
        description=_("For a scenario, empty asks “What should you do?”"),
    )
    choices = FieldList(FormField(ChoiceForm), min_entries=4)
    explanation = TextAreaField(
        _("Explanation"),
        render_kw={"rows": 3},
        description=_("Shown after answering: why the right answer is right."),
    )

    def label_choices(self) -> None:
        """Every row's fields say which choice they belong to (labels must be unique)."""
        for n, entry in enumerate(self.choices.entries, start=1):
            entry.form.text.label.text = gettext("Choice %(number)d", number=n)
            entry.form.correct.label.text = gettext("Choice %(number)d is correct", number=n)
            entry.form.feedback.label.text = gettext("Feedback for choice %(number)d", number=n)

    def with_spare_rows(self, spare: int = 2, most: int = 10) -> None:
        """Room for new choices without JavaScript: a couple of empty rows after the filled ones."""
        filled = sum(1 for entry in self.choices.entries if not entry.form.is_blank)
        while len(self.choices.entries) < min(max(filled + spare, 4), most):
            self.choices.append_entry()
        self.label_choices()


class TokenForm(FlaskForm):
    """A button that acts on an object: the token says which content it was pressed on."""

    token = HiddenField()


class MoveForm(FlaskForm):
    direction = HiddenField()


class PublishForm(FlaskForm):
    fingerprint = HiddenField()
    note = TextAreaField(
        _("What changed"),
        render_kw={"rows": 3},
        description=_(
            "A sentence for the version history, for example “Adds a lesson on live video”."
        ),
    )
    requires_reacknowledgement = BooleanField(
        _("Everyone must read and acknowledge this version again"),
        description=_("For changes that matter; small fixes keep earlier acknowledgements valid."),
    )


class CompareForm(FlaskForm):
    """Which two versions to compare; read from the query string, so no CSRF token."""

    class Meta:
        csrf = False

    old = SelectField(_("From version"), coerce=int, validate_choice=False)
    new = SelectField(_("To version"), coerce=int, validate_choice=False)


class UploadForm(FlaskForm):
    file = FileField(
        _("Course pack (zip)"),
        validators=[FileRequired(_("Choose a zip file of a course pack."))],
        description=_("A zip as Postwise downloads it: course.yaml, lessons/ and quiz.yaml."),
    )
    replace_draft = BooleanField(
        _("Replace the course's current draft, if it has one"),
        description=_("Otherwise an upload never overwrites a draft someone is working on."),
    )


class PreviewForm(FlaskForm):
    body = TextAreaField()
