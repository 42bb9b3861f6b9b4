"""A note for HR in a template never reaches learners: publishing refuses it with file and line."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms import PROJECT_ROOT
from lms.courses.author_notes import note_lines, without_author_notes, without_notes
from lms.courses.models import CourseVersion, Lesson
from lms.courses.packs import PackError, read_pack
from lms.courses.services import import_pack

GUIDELINE = PROJECT_ROOT / "courses" / "social-media-guideline"
NOTE = (
    "> **Note for HR (delete this note before you publish).** Replace the company name\n"
    "> everywhere.\n"
    "\n"
)  # as the shipped guideline writes one


@pytest.mark.parametrize(
    "line",
    [
        "> **Note for HR (delete this note before you publish).** Replace…",
        "> Note for HR: replace the addresses.",
        "   >  __note for authors__ check with legal",
        ">**NOTE FOR HR** keep this section",
    ],
)
def test_every_way_of_writing_a_note_is_found(line):
    assert [number for number, _ in note_lines(f"Intro.\n\n{line}\n")] == [3]


@pytest.mark.parametrize(
    "line",
    ["A note for HR: this is ordinary text.", "> A quote that mentions a note for HR.", "# Note"],
)
def test_ordinary_text_and_quotes_are_not_notes(line):
    assert list(note_lines(line)) == []


def test_deleting_a_note_keeps_everything_around_it():
    body = "Intro.\n\n" + NOTE + "Example Co. is glad.\n\n> A real quote.\n"
    assert without_notes(body) == "Intro.\n\nExample Co. is glad.\n\n> A real quote.\n"


def test_the_shipped_guideline_template_is_refused_with_file_and_line(runner, db):
    result = runner.invoke(args=["courses", "import", str(GUIDELINE), "--publish"])
    assert result.exit_code == 1
    assert (
        f"{GUIDELINE}/lessons/01-about-this-guideline.md:6: this lesson still holds a note for HR"
        in result.output
    )
    assert "delete the note, then publish" in result.output
    assert "Nothing was imported" in result.output
    assert db.scalar(select(func.count()).select_from(CourseVersion)) == 0
    # As a draft it imports, for HR to edit.
    assert runner.invoke(args=["courses", "import", str(GUIDELINE)]).exit_code == 0


def test_the_service_refuses_to_publish_a_pack_with_a_note(db):
    with pytest.raises(PackError, match=r"lessons/01-about-this-guideline.md:6: this lesson"):
        import_pack(db, read_pack(GUIDELINE), publish=True)
    version = import_pack(db, without_author_notes(read_pack(GUIDELINE)), publish=True).version
    assert version.status == "published"
    assert not any("Note for HR" in lesson.body_markdown for lesson in version.lessons)


def test_the_demo_publishes_a_guideline_without_notes_for_hr(runner, db):
    assert runner.invoke(args=["demo", "--no-serve"]).exit_code == 0
    bodies = db.scalars(select(Lesson.body_markdown).join(CourseVersion)).all()
    assert bodies
    assert not [body for body in bodies if "Note for HR" in body or list(note_lines(body))]
