"""Forms for authoring. They read and convert what the browser sends; the services hold the
rules (the pack format's), and the views put the services' messages next to these fields."""

from __future__ import annotations

from typing import Any

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

from lms.courses.models import Course, CourseVersion, Lesson, Question
from lms.courses.packs import KINDS, TOPICS
from lms.courses.quiz_rules import POST_KINDS, QUESTION_KINDS, SHOW_ANSWERS
from lms.form_limits import FitsColumn


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


WHOLE = "Enter a whole number."
SLUG_HELP = "Lower-case letters, digits and hyphens; it becomes part of the web address."
KIND_LABELS = {"course": "Course", "guideline": "Guideline (to read and acknowledge)"}
SHOW_ANSWER_LABELS = {
    "after_each_attempt": "After each attempt",
    "after_passing": "After passing",
    "never": "Never",
}
QUESTION_KIND_LABELS = {
    "single": "One right answer",
    "multiple": "Several right answers (select all that apply)",
    "true_false": "True or false (choices: True and False)",
    "scenario": "Scenario: a draft post, and what to do about it",
}


class NewCourseForm(FlaskForm):
    title = StringField(
        "Title",
        filters=[_strip],
        validators=[InputRequired("Give the course a title."), FitsColumn(CourseVersion.title)],
    )
    slug = StringField(
        "Short name",
        filters=[_strip],
        validators=[FitsColumn(Course.slug)],
        description=SLUG_HELP + " For example: posting-well.",
    )
    kind = SelectField(
        "Kind",
        choices=[SelectChoice(kind, KIND_LABELS[kind]) for kind in KINDS],
        validate_choice=False,
    )
    summary = TextAreaField(
        "Summary", description="One or two sentences learners see in the catalogue."
    )
    minutes = IntegerField("Minutes to complete", default=15, validators=[InputRequired(WHOLE)])


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
    title = StringField("Title", filters=[_strip], validators=[FitsColumn(CourseVersion.title)])
    summary = TextAreaField("Summary")
    minutes = IntegerField("Minutes to complete", validators=[InputRequired(WHOLE)])
    requires_guideline = BooleanField("Completing it needs the current guideline acknowledged")
    pass_mark = IntegerField("Pass mark (%)", validators=[InputRequired(WHOLE)])
    max_attempts = IntegerField(
        "Attempts allowed", validators=[Optional()], description="Leave empty for unlimited."
    )
    shuffle_questions = BooleanField("Shuffle the questions")
    shuffle_choices = BooleanField("Shuffle the choices")
    draw = IntegerField(
        "Questions per attempt",
        validators=[Optional()],
        description="Drawn from the quiz's questions; leave empty to ask them all.",
    )
    show_answers = SelectField(
        "Show the correct answers",
        choices=[SelectChoice(v, SHOW_ANSWER_LABELS[v]) for v in SHOW_ANSWERS],
        validate_choice=False,
    )


class LessonForm(FlaskForm):
    token = HiddenField()
    title = StringField("Title", filters=[_strip], validators=[FitsColumn(Lesson.title)])
    slug = StringField(
        "Short name",
        filters=[_strip],
        validators=[FitsColumn(Lesson.slug)],
        description=SLUG_HELP + " Empty: made from the title.",
    )
    topic = SelectField(
        "Topic",
        choices=[SelectChoice(t, t.replace("-", " ").capitalize()) for t in TOPICS],
        validate_choice=False,
    )
    minutes = IntegerField("Minutes to read", default=5, validators=[InputRequired(WHOLE)])
    body = TextAreaField(
        "Lesson text (Markdown)",
        description="Headings with ##, lists with -, links as [text](https://…). "
        "HTML is not allowed.",
        render_kw={"rows": 18, "data-preview": "lesson-preview"},
    )
    preview = SubmitField("Preview")
    save = SubmitField("Save lesson")


class ChoiceForm(Form):
    """One row of a question's choices; an empty row is left out."""

    text = StringField("Choice", filters=[_strip])
    correct = BooleanField("Correct")
    feedback = StringField("Feedback", filters=[_strip])

    @property
    def is_blank(self) -> bool:
        return not (self.text.data or self.feedback.data or self.correct.data)


class QuestionForm(FlaskForm):
    token = HiddenField()
    key = StringField(
        "Id",
        filters=[_strip],
        validators=[FitsColumn(Question.key)],
        description="Lower-case letters, digits and hyphens, unique in the course. "
        "It keeps answers matched across versions. Empty: made from the prompt.",
    )
    kind = SelectField(
        "Kind",
        choices=[SelectChoice(k, QUESTION_KIND_LABELS[k]) for k in QUESTION_KINDS],
        validate_choice=False,
    )
    lesson = SelectField("Lesson that teaches it", choices=[], validate_choice=False)
    knowledge_check = BooleanField(
        "Knowledge check: ask it at the end of its lesson, for practice, not in the final quiz"
    )
    post_kind = SelectField(
        "Scenario: kind of draft",
        choices=[SelectChoice("", "(not a scenario)")]
        + [SelectChoice(kind, kind.capitalize()) for kind in POST_KINDS],
        validate_choice=False,
    )
    post = TextAreaField("Scenario: the draft post", render_kw={"rows": 4})
    prompt = TextAreaField(
        "Question",
        render_kw={"rows": 2},
        description="For a scenario, empty asks “What should you do?”",
    )
    choices = FieldList(FormField(ChoiceForm), min_entries=4)
    explanation = TextAreaField(
        "Explanation",
        render_kw={"rows": 3},
        description="Shown after answering: why the right answer is right.",
    )

    def label_choices(self) -> None:
        """Every row's fields say which choice they belong to (labels must be unique)."""
        for n, entry in enumerate(self.choices.entries, start=1):
            entry.form.text.label.text = f"Choice {n}"
            entry.form.correct.label.text = f"Choice {n} is correct"
            entry.form.feedback.label.text = f"Feedback for choice {n}"

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
        "What changed",
        render_kw={"rows": 3},
        description="A sentence for the version history, "
        "for example “Adds a lesson on live video”.",
    )
    requires_reacknowledgement = BooleanField(
        "Everyone must read and acknowledge this version again",
        description="For changes that matter; small fixes keep earlier acknowledgements valid.",
    )


class CompareForm(FlaskForm):
    """Which two versions to compare; read from the query string, so no CSRF token."""

    class Meta:
        csrf = False

    old = SelectField("From version", coerce=int, validate_choice=False)
    new = SelectField("To version", coerce=int, validate_choice=False)


class UploadForm(FlaskForm):
    file = FileField(
        "Course pack (zip)",
        validators=[FileRequired("Choose a zip file of a course pack.")],
        description="A zip as Postwise downloads it: course.yaml, lessons/ and quiz.yaml.",
    )
    replace_draft = BooleanField(
        "Replace the course's current draft, if it has one",
        description="Otherwise an upload never overwrites a draft someone is working on.",
    )


class PreviewForm(FlaskForm):
    body = TextAreaField()
