"""Zipped packs (same bytes as the CLI export, same errors as the CLI import) and version diffs."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import pytest

from lms import PROJECT_ROOT
from lms.authoring.diffs import compare
from lms.authoring.zips import files_from_zip, pack_from_zip, pack_zip
from lms.courses.packs import ChoiceSource, PackError, read_pack
from lms.courses.services import get_version, version_as_pack

ESSENTIALS = PROJECT_ROOT / "courses" / "social-media-essentials"
MB = 1_048_576


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_the_zip_holds_exactly_what_the_cli_exports(runner, db, shipped_courses, tmp_path):
    out = tmp_path / "exported"
    assert runner.invoke(args=["courses", "export", ESSENTIALS.name, str(out)]).exit_code == 0
    exported = {
        p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()
    }
    data = pack_zip(version_as_pack(get_version(db, ESSENTIALS.name)))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        in_zip = {
            name.removeprefix(f"{ESSENTIALS.name}/"): archive.read(name)
            for name in archive.namelist()
        }
    assert in_zip == exported
    assert pack_from_zip(data, max_bytes=MB) == read_pack(ESSENTIALS)
    assert pack_zip(read_pack(ESSENTIALS)) == data  # the same pack, the same zip


def test_a_broken_zipped_pack_reports_what_the_cli_import_reports(runner, tmp_path):
    folder = tmp_path / "broken"
    (folder / "lessons").mkdir(parents=True)
    (folder / "course.yaml").write_text("slug: broken\ntitle: Broken\nsummary: S.\nminutes: 10\n")
    (folder / "lessons" / "01-intro.md").write_text(
        "---\ntitle: Intro\ntopic: gossip\nminutes: 3\n---\nHello\n\n<script>alert(1)</script>\n"
    )
    cli = runner.invoke(args=["courses", "import", str(folder)]).output
    cli_problems = [
        line.removeprefix(f"{folder}/") for line in cli.splitlines() if line.startswith(str(folder))
    ]
    data = zipped(
        {f"broken/{p.relative_to(folder).as_posix()}": p.read_bytes() for p in folder.rglob("*.*")}
    )
    with pytest.raises(PackError) as refused:
        pack_from_zip(data, max_bytes=MB)
    assert refused.value.problems == cli_problems
    assert cli_problems[0].startswith("lessons/01-intro.md:3: unknown topic 'gossip'")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a zip", "this is not a zip file"),
        (b"x" * (MB + 1), "the file is larger than 1 MB"),
        (zipped({"../evil/course.yaml": b"x"}), "../evil/course.yaml: this path is not allowed"),
        (zipped({"/etc/course.yaml": b"x"}), "/etc/course.yaml: this path is not allowed"),
        (zipped({"c:\\x\\course.yaml": b"x"}), "this path is not allowed"),
        (zipped({"big.bin": b"0" * (MB + 1)}), "the files in the zip come to more than 1 MB"),
        (zipped({f"lessons/{n:02d}-x.md": b"" for n in range(501)}), "a pack has at most 500"),
    ],
    ids=["not-zip", "too-big", "dot-dot", "absolute", "drive", "bomb", "members"],
)
def test_unsafe_or_oversized_zips_are_refused(data, message):
    with pytest.raises(PackError) as refused:
        files_from_zip(data, max_bytes=MB)
    assert message in " ".join(refused.value.problems)


def test_a_zip_of_the_folder_contents_reads_like_a_zip_of_the_folder():
    files = {"course.yaml": b"a", "lessons/01-x.md": b"b", "__MACOSX/._x": b"junk"}
    assert files_from_zip(zipped(files), max_bytes=MB) == {
        "course.yaml": b"a",
        "lessons/01-x.md": b"b",
    }
    nested = {f"pack/{name}": content for name, content in files.items()}
    assert files_from_zip(zipped(nested), max_bytes=MB) == {
        "course.yaml": b"a",
        "lessons/01-x.md": b"b",
    }


def test_the_diff_names_settings_lessons_and_questions_that_changed():
    old = read_pack(ESSENTIALS)
    lesson = dataclasses.replace(
        old.lessons[1], title="Five purposes", body=old.lessons[1].body + "A new line.\n"
    )
    question = dataclasses.replace(
        old.questions[0], choices=(*old.questions[0].choices, ChoiceSource("More"))
    )
    new = dataclasses.replace(
        old,
        title="Essentials, revised",
        quiz=dataclasses.replace(old.quiz, pass_mark=90),
        lessons=(old.lessons[0], lesson, *old.lessons[3:]),
        questions=(question, *old.questions[2:]),
    )
    diff = compare(old, new)
    assert [(str(c.label), str(c.old), str(c.new)) for c in diff.settings] == [
        ("Title", old.title, "Essentials, revised"),
        ("Pass mark (%)", "80", "90"),
    ]
    assert [(c.name, c.change) for c in diff.lessons] == [
        (old.lessons[2].slug, "removed"),
        (old.lessons[1].slug, "changed"),
    ]
    changed = diff.lessons[1]
    assert [str(f.label) for f in changed.fields] == ["Title"]
    assert ("added", "A new line.") in [
        (line.kind, line.text) for group in changed.text for line in group
    ]
    assert [(c.name, c.change) for c in diff.questions] == [
        (old.questions[1].key, "removed"),
        (old.questions[0].key, "changed"),
    ]
    assert str(diff.questions[1].fields[0].label) == "Choices"
    assert compare(old, old).unchanged
