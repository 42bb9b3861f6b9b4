"""Content tokens: a short hash of what an object holds, carried by a form as a hidden field.

On save, a token that no longer matches the stored object means someone else saved it
after this form was loaded (optimistic concurrency, no schema change). Pure.
"""

from __future__ import annotations

import hashlib
import json

from lms.courses.models import CourseVersion, Lesson, Question


def _digest(values: list[object]) -> str:
    return hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()[:32]


def lesson_token(lesson: Lesson) -> str:
    """Its content; not its position, since moving a lesson overwrites nobody's words."""
    return _digest([lesson.slug, lesson.title, lesson.topic, lesson.minutes, lesson.body_markdown])


def question_token(question: Question) -> str:
    """Everything a question says, choices included; not its position."""
    return _digest(
        [
            question.key,
            question.kind,
            question.prompt,
            question.post,
            question.post_kind,
            question.explanation,
            question.lesson_slug,
            question.knowledge_check,
            [[c.text, c.is_correct, c.feedback] for c in question.choices],
        ]
    )


def settings_token(version: CourseVersion) -> str:
    """The course's own settings and its quiz's."""
    return _digest(
        [
            version.title,
            version.summary,
            version.minutes,
            version.requires_guideline,
            version.pass_mark,
            version.max_attempts,
            version.shuffle_questions,
            version.shuffle_choices,
            version.draw,
            version.show_answers,
        ]
    )
