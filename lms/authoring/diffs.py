"""What changed between two versions of a course, in words HR can read. Pure.

Compares the versions as packs: settings field by field, lessons by slug (their text as a
line diff), questions by id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lms.courses.packs import CoursePack, LessonSource, QuestionSource
from lms.courses.textdiff import ChangedLine, line_changes
from lms.messages import N_, Message

# A value as the diff shows it: text from the pack, a marked word (Yes, Unlimited), or the
# lines of a question's choices.
Shown = str | Message | tuple[Message, ...]

SETTINGS = (
    (N_("Title"), lambda p: p.title),
    (N_("Summary"), lambda p: p.summary),
    (N_("Minutes"), lambda p: p.minutes),
    (N_("Requires the guideline acknowledged"), lambda p: p.requires_guideline),
    (N_("Pass mark (%)"), lambda p: p.quiz.pass_mark),
    (N_("Attempts allowed"), lambda p: p.quiz.max_attempts or N_("Unlimited")),
    (N_("Shuffle questions"), lambda p: p.quiz.shuffle_questions),
    (N_("Shuffle choices"), lambda p: p.quiz.shuffle_choices),
    (N_("Questions drawn per attempt"), lambda p: p.quiz.draw or N_("All")),
    (N_("Show the answers"), lambda p: p.quiz.show_answers),
)
# Fields whose values are codes, and which group of lms.authoring.labels words them.
CODED = {"topic": "topic", "kind": "question_kind", "post_kind": "post_kind"}
CODED_SETTINGS = {"Show the answers": "show_answers"}
LESSON_FIELDS = ((N_("Title"), "title"), (N_("Topic"), "topic"), (N_("Minutes"), "minutes"))
QUESTION_FIELDS = (
    (N_("Kind"), "kind"),
    (N_("Lesson"), "lesson"),
    (N_("Knowledge check"), "knowledge_check"),
    (N_("Post kind"), "post_kind"),
    (N_("Post"), "post"),
    (N_("Prompt"), "prompt"),
    (N_("Explanation"), "explanation"),
)


@dataclass(frozen=True)
class FieldChange:
    label: Message
    old: Shown
    new: Shown
    codes: str | None = None  # the label group old and new are codes of, if they are


@dataclass(frozen=True)
class ItemChange:
    """A lesson or question: added, removed or changed, and how."""

    name: str  # slug or id
    title: str
    change: str  # "added", "removed", "changed"
    fields: list[FieldChange] = field(default_factory=list)
    text: list[list[ChangedLine]] = field(default_factory=list)  # lesson text, in groups


@dataclass(frozen=True)
class VersionDiff:
    settings: list[FieldChange]
    lessons: list[ItemChange]
    lesson_order_changed: bool
    questions: list[ItemChange]
    question_order_changed: bool

    @property
    def unchanged(self) -> bool:
        return not (
            self.settings
            or self.lessons
            or self.questions
            or self.lesson_order_changed
            or self.question_order_changed
        )


def _shown(value: object) -> Shown:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return N_("Yes") if value else N_("No")
    if isinstance(value, Message):
        return value
    return str(value)


def _fields(pairs: tuple[tuple[Message, str], ...], old: object, new: object) -> list[FieldChange]:
    return [
        FieldChange(label, _shown(getattr(old, name)), _shown(getattr(new, name)), CODED.get(name))
        for label, name in pairs
        if getattr(old, name) != getattr(new, name)
    ]


def _choices(question: QuestionSource) -> tuple[Message, ...]:
    """One line a choice: ✓ marks the correct ones, each with its feedback if it has some."""
    lines = []
    for choice in question.choices:
        if choice.correct and choice.feedback:
            line = N_(
                "✓ correct: %(choice)s (feedback: %(feedback)s)",
                choice=choice.text,
                feedback=choice.feedback,
            )
        elif choice.correct:
            line = N_("✓ correct: %(choice)s", choice=choice.text)
        elif choice.feedback:
            line = N_(
                "✗ %(choice)s (feedback: %(feedback)s)",
                choice=choice.text,
                feedback=choice.feedback,
            )
        else:
            line = N_("✗ %(choice)s", choice=choice.text)
        lines.append(line)
    return tuple(lines)


def _lesson_change(old: LessonSource, new: LessonSource) -> ItemChange | None:
    fields = _fields(LESSON_FIELDS, old, new)
    text = line_changes(old.body.splitlines(), new.body.splitlines())
    if not fields and not text:
        return None
    return ItemChange(new.slug, new.title, "changed", fields, text)


def _question_change(old: QuestionSource, new: QuestionSource) -> ItemChange | None:
    fields = _fields(QUESTION_FIELDS, old, new)
    if old.choices != new.choices:
        fields.append(FieldChange(N_("Choices"), _choices(old), _choices(new)))
    if not fields:
        return None
    return ItemChange(new.key, new.prompt, "changed", fields)


def compare(old: CoursePack, new: CoursePack) -> VersionDiff:
    """Everything that differs from `old` to `new`."""
    settings = [
        FieldChange(label, _shown(read(old)), _shown(read(new)), CODED_SETTINGS.get(label.text))
        for label, read in SETTINGS
        if read(old) != read(new)
    ]
    old_lessons = {lesson.slug: lesson for lesson in old.lessons}
    new_lessons = {lesson.slug: lesson for lesson in new.lessons}
    lessons = [
        ItemChange(slug, lesson.title, "removed")
        for slug, lesson in old_lessons.items()
        if slug not in new_lessons
    ]
    for slug, lesson in new_lessons.items():
        if slug not in old_lessons:
            lessons.append(
                ItemChange(
                    slug, lesson.title, "added", text=line_changes([], lesson.body.splitlines())
                )
            )
        elif change := _lesson_change(old_lessons[slug], lesson):
            lessons.append(change)
    old_questions = {question.key: question for question in old.questions}
    new_questions = {question.key: question for question in new.questions}
    questions = [
        ItemChange(key, question.prompt, "removed")
        for key, question in old_questions.items()
        if key not in new_questions
    ]
    for key, question in new_questions.items():
        if key not in old_questions:
            questions.append(ItemChange(key, question.prompt, "added"))
        elif change := _question_change(old_questions[key], question):
            questions.append(change)
    return VersionDiff(
        settings=settings,
        lessons=lessons,
        lesson_order_changed=_order_changed(list(old_lessons), list(new_lessons)),
        questions=questions,
        question_order_changed=_order_changed(list(old_questions), list(new_questions)),
    )


def _order_changed(old: list[str], new: list[str]) -> bool:
    """True if the items both versions have come in a different order."""
    both = set(old) & set(new)
    return [name for name in old if name in both] != [name for name in new if name in both]
