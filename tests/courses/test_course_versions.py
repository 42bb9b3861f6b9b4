"""Importing packs as versions, publishing, exporting, and the `lms courses` commands."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms import PROJECT_ROOT
from lms.courses.models import Course, CourseVersion, Lesson
from lms.courses.packs import CoursePack, read_pack
from lms.courses.services import get_version, import_pack, version_as_pack
from tests.courses.test_packs import folder_files

ESSENTIALS = PROJECT_ROOT / "courses" / "social-media-essentials"
SHIPPED = sorted(path for path in (PROJECT_ROOT / "courses").iterdir() if path.is_dir())


def _edited(pack: CoursePack, text: str = "\nOne more paragraph.\n") -> CoursePack:
    first = dataclasses.replace(pack.lessons[0], body=pack.lessons[0].body + text)
    return dataclasses.replace(pack, lessons=(first, *pack.lessons[1:]))


def _versions(db) -> list[tuple[int, str]]:
    db.flush()
    return [
        (v.number, v.status)
        for v in db.scalars(select(CourseVersion).order_by(CourseVersion.number))
    ]


def test_a_pack_becomes_a_draft_then_an_identical_import_creates_nothing(db):
    pack = read_pack(ESSENTIALS)
    first = import_pack(db, pack, publish=False)
    assert first.created
    assert (first.version.number, first.version.status) == (1, "draft")
    again = import_pack(db, pack, publish=False)
    assert not again.created
    assert again.version.id == first.version.id
    assert _versions(db) == [(1, "draft")]


def test_a_changed_pack_replaces_an_unpublished_draft(db):
    pack = read_pack(ESSENTIALS)
    import_pack(db, pack, publish=False)
    import_pack(db, _edited(pack), publish=False)
    assert _versions(db) == [(1, "draft")]
    assert get_version(db, pack.slug).lessons[0].body_markdown.endswith("One more paragraph.\n")


def test_published_versions_never_change_and_edits_make_a_new_version(db):
    pack = read_pack(ESSENTIALS)
    import_pack(db, pack, publish=True)
    import_pack(db, _edited(pack), publish=False)
    assert _versions(db) == [(1, "published"), (2, "draft")]
    assert version_as_pack(get_version(db, pack.slug, 1)) == pack
    import_pack(db, _edited(pack), publish=True)  # same content: publishes the draft
    assert _versions(db) == [(1, "retired"), (2, "published")]
    assert version_as_pack(get_version(db, pack.slug, 1)) == pack  # retired, not changed


def test_lessons_are_stored_with_sanitised_html(db):
    version = import_pack(db, read_pack(ESSENTIALS), publish=True).version
    lesson = version.lessons[0]
    assert lesson.body_html.startswith("<p>")
    assert "<table>" in lesson.body_html
    assert "<h2>Try this</h2>" in lesson.body_html


@pytest.mark.parametrize("folder", SHIPPED, ids=lambda path: path.name)
def test_shipped_packs_import_export_reimport_byte_for_byte(runner, db, tmp_path, folder):
    # The guideline is a template with a note for HR: it imports as a draft to edit first.
    publish = [] if folder.name == "social-media-guideline" else ["--publish"]
    status = "draft" if not publish else "published"
    result = runner.invoke(args=["courses", "import", str(folder), *publish])
    assert result.exit_code == 0, result.output
    assert f"as version 1 ({status})" in result.output
    out = tmp_path / "exported"
    result = runner.invoke(args=["courses", "export", folder.name, str(out)])
    assert result.exit_code == 0, result.output
    original = folder_files(folder)
    exported = folder_files(out)
    assert exported == original
    again = runner.invoke(args=["courses", "import", str(out)])
    assert "already has this content; nothing new" in again.output
    assert _versions(db) == [(1, status)]


def test_an_invalid_pack_is_refused_with_file_and_line_and_nothing_is_written(runner, db, tmp_path):
    folder = tmp_path / "broken"
    (folder / "lessons").mkdir(parents=True)
    (folder / "course.yaml").write_text(
        "slug: broken\ntitle: Broken\nsummary: A broken pack.\nminutes: 10\n"
    )
    (folder / "lessons" / "01-intro.md").write_text(
        "---\ntitle: Intro\ntopic: gossip\nminutes: 3\n---\nHello\n\n<script>alert(1)</script>\n"
    )
    result = runner.invoke(args=["courses", "import", str(folder)])
    assert result.exit_code == 1
    assert f"{folder}/lessons/01-intro.md:3: unknown topic 'gossip'" in result.output
    assert f"{folder}/lessons/01-intro.md:8: raw HTML" in result.output
    assert "Nothing was imported" in result.output
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Course)) == 0
    assert db.scalar(select(func.count()).select_from(Lesson)) == 0


def test_courses_list_shows_versions_and_status(runner, db):
    import_pack(db, read_pack(ESSENTIALS), publish=True)
    import_pack(db, _edited(read_pack(ESSENTIALS)), publish=False)
    db.commit()
    output = runner.invoke(args=["courses", "list"]).output
    assert "social-media-essentials" in output
    assert "[v1 published, v2 draft]" in output


def test_export_of_an_unknown_course_says_so(runner, tmp_path: Path):
    result = runner.invoke(args=["courses", "export", "nope", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert "There is no course 'nope'" in result.output
