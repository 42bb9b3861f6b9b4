"""Courses and their numbered versions; lessons and quiz definitions belong to a version.

A published version never changes: a learner who started it finishes it, whatever is
published after. Changing a course means a new draft version, then publishing it. Its
translations are words only (what is right, the settings and the minutes stay the
source's), so one may be added or corrected in a published version: each remembers the
digest of the source words it was made from, which tells when it has fallen behind.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, lazyload, mapped_column, relationship

from lms.db import Base, created_at, intpk, short_text

DRAFT, PUBLISHED, RETIRED = "draft", "published", "retired"


class Course(Base):
    __tablename__ = "courses"

    id: Mapped[intpk]
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="course")  # course or guideline
    created_at: Mapped[created_at]

    versions: Mapped[list[CourseVersion]] = relationship(
        back_populates="course", order_by="CourseVersion.number"
    )


class CourseVersion(Base):
    __tablename__ = "course_versions"
    __table_args__ = (UniqueConstraint("course_id", "number"),)

    id: Mapped[intpk]
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    title: Mapped[short_text]
    summary: Mapped[str] = mapped_column(Text)
    minutes: Mapped[int]
    requires_guideline: Mapped[bool] = mapped_column(default=False)
    pass_mark: Mapped[int] = mapped_column(default=80)
    max_attempts: Mapped[int | None]  # None: unlimited
    shuffle_questions: Mapped[bool] = mapped_column(default=True)
    shuffle_choices: Mapped[bool] = mapped_column(default=True)
    draw: Mapped[int | None]
    show_answers: Mapped[str] = mapped_column(String(30), default="after_passing")
    # sha256 of the version as a canonical pack: an identical import creates nothing.
    fingerprint: Mapped[str] = mapped_column(String(64))
    change_note: Mapped[str | None] = mapped_column(Text)
    # For a guideline: everyone must acknowledge this version again.
    requires_reacknowledgement: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    created_at: Mapped[created_at]

    # A version is always shown whole, so it arrives whole: templates must never query.
    course: Mapped[Course] = relationship(back_populates="versions", lazy="joined")
    lessons: Mapped[list[Lesson]] = relationship(
        order_by="Lesson.position", cascade="all, delete-orphan", lazy="selectin"
    )
    questions: Mapped[list[Question]] = relationship(
        order_by="Question.position", cascade="all, delete-orphan", lazy="selectin"
    )
    translations: Mapped[list[VersionTranslation]] = relationship(
        cascade="all, delete-orphan", order_by="VersionTranslation.language"
    )

    @property
    def quiz_questions(self) -> list[Question]:
        """The final quiz's pool (knowledge checks belong to their lessons instead)."""
        return [question for question in self.questions if not question.knowledge_check]


class Lesson(Base):
    __tablename__ = "lessons"
    __table_args__ = (
        UniqueConstraint("version_id", "slug"),
        UniqueConstraint("version_id", "position"),
    )

    id: Mapped[intpk]
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id"), index=True)
    position: Mapped[int]
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[short_text]
    topic: Mapped[str] = mapped_column(String(40), index=True)
    minutes: Mapped[int]
    body_markdown: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)  # rendered and sanitised once, at import

    translations: Mapped[list[LessonTranslation]] = relationship(cascade="all, delete-orphan")


class Question(Base):
    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("version_id", "key"),)

    id: Mapped[intpk]
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id"), index=True)
    position: Mapped[int]
    key: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    prompt: Mapped[str] = mapped_column(Text)
    post: Mapped[str | None] = mapped_column(Text)
    post_kind: Mapped[str | None] = mapped_column(String(20))
    explanation: Mapped[str] = mapped_column(Text)
    lesson_slug: Mapped[str | None] = mapped_column(String(100))
    # A practice question at the end of its lesson, not part of the final quiz.
    knowledge_check: Mapped[bool] = mapped_column(default=False, server_default=false())

    choices: Mapped[list[Choice]] = relationship(
        order_by="Choice.position", cascade="all, delete-orphan", lazy="selectin"
    )
    translations: Mapped[list[QuestionTranslation]] = relationship(cascade="all, delete-orphan")


class Choice(Base):
    __tablename__ = "choices"

    id: Mapped[intpk]
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    is_correct: Mapped[bool] = mapped_column(default=False)
    feedback: Mapped[str | None] = mapped_column(Text)


class VersionTranslation(Base):
    """A version's title and summary in another language."""

    __tablename__ = "version_translations"
    __table_args__ = (UniqueConstraint("version_id", "language"),)

    id: Mapped[intpk]
    version_id: Mapped[int] = mapped_column(
        ForeignKey("course_versions.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[short_text]
    summary: Mapped[str] = mapped_column(Text)


class LessonTranslation(Base):
    __tablename__ = "lesson_translations"
    __table_args__ = (UniqueConstraint("lesson_id", "language"),)

    id: Mapped[intpk]
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[short_text]
    body_markdown: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    source_digest: Mapped[str] = mapped_column(String(64))  # of the words it translates


class QuestionTranslation(Base):
    """A question's words in another language; its choices' in the source's order."""

    __tablename__ = "question_translations"
    __table_args__ = (UniqueConstraint("question_id", "language"),)

    id: Mapped[intpk]
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(8))
    prompt: Mapped[str | None] = mapped_column(Text)  # None: the source's default prompt
    post: Mapped[str | None] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text)
    # [{"text": ..., "feedback": ... or null}, ...], one per choice, in position order
    choices: Mapped[list[dict[str, str | None]]] = mapped_column(JSON)
    source_digest: Mapped[str] = mapped_column(String(64))


# For lists that show a version's title and minutes but none of its content (My learning,
# reports): leave its lessons and questions unloaded. Anything that does need them later in
# the same session still gets them whole, from the query that asks for them.
WITHOUT_CONTENT = (lazyload(CourseVersion.lessons), lazyload(CourseVersion.questions))
