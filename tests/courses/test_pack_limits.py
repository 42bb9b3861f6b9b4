"""What a pack may not hold however well formed it is: files too big or too busy to parse,
characters no database stores, names longer than their columns. Each is refused with its
`file:line`, fast; ordinary packs still read with their line numbers."""

from __future__ import annotations

import pytest
import yaml
from yaml.cyaml import CParser

from lms.courses import yaml_lines
from lms.courses.models import Course, CourseVersion, Lesson, Question
from lms.courses.packs import SLUG_LENGTH, TITLE_LENGTH, PackError, read_pack_files
from lms.db import column_length
from lms.precheck.profile import ProfileProblems, load_profile
from tests.courses.test_packs import COURSE_YAML, LESSON_1, MINI_PACK, changed, problems_in
from tests.courses.test_packs import write_files as write_pack


def refused(files: dict[str, str]) -> list[str]:
    with pytest.raises(PackError) as error:
        read_pack_files({name: text.encode() for name, text in files.items()})
    return error.value.problems


def test_a_one_megabyte_yaml_file_is_refused_before_it_is_parsed():
    huge = COURSE_YAML + "".join(f"# comment line {n:07d} of padding\n" for n in range(34_000))
    assert len(huge.encode()) > 1_048_576
    assert refused({**MINI_PACK, "course.yaml": huge}) == [
        "course.yaml:1: the file is 1.1 MB; a YAML file may be at most 256 KB, "
        "so split it or shorten it"
    ]


def test_a_small_file_of_very_many_values_is_refused_where_it_passes_the_limit():
    busy = "questions: [" + "1, " * 30_000 + "1]\n"  # 90 KB, 30,000 values on one line
    assert len(busy) < yaml_lines.MAX_BYTES
    assert refused({**MINI_PACK, "quiz.yaml": busy}) == [
        "quiz.yaml:1: the file holds more than 20,000 values; split it or shorten it"
    ]
    spread = "questions:\n" + "".join(f"- {n}\n" for n in range(25_000))
    # The mapping, its key and the list are three values: item 19,998 is one too many.
    assert refused({**MINI_PACK, "quiz.yaml": spread}) == [
        "quiz.yaml:19999: the file holds more than 20,000 values; split it or shorten it"
    ]


def test_aliases_are_still_refused_at_their_line():
    files = changed("course.yaml", "title: A mini course", "title: &t A mini course\nx: *t")
    assert refused(files) == [
        "course.yaml:3: aliases (*name) are not allowed here; write the value out in full"
    ]


def test_yaml_is_read_by_libyaml_in_one_pass():
    assert yaml.__with_libyaml__
    assert issubclass(yaml_lines._LineLoader, CParser)
    data = yaml_lines.load("a: 1\nb:\n  - x\n  - y\n")
    assert data.key_lines == {"a": 1, "b": 2}
    assert data["b"].item_lines == [3, 4]


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        (
            "course.yaml",
            "title: A mini course",
            "title: A mini\x00 course",
            "course.yaml:2: column 14 holds a NUL character (\\x00), which no database can "
            "store; remove it",
        ),
        (
            LESSON_1,
            "An opening paragraph.",
            "An opening\x00 paragraph.",
            f"{LESSON_1}:6: column 11 holds a NUL character (\\x00), which no database can "
            "store; remove it",
        ),
    ],
    ids=["yaml", "markdown"],
)
def test_a_nul_character_is_refused_with_its_file_line_and_column(name, old, new, expected):
    assert refused(changed(name, old, new)) == [expected]


def test_titles_and_slugs_longer_than_their_columns_are_refused_with_the_limit(tmp_path):
    files = changed("course.yaml", "title: A mini course", "title: " + "T" * 312)
    files = changed("course.yaml", "slug: mini-course", "slug: " + "s" * 101, files)
    files = changed(LESSON_1, "title: First steps", "title: " + "L" * 201, files)
    files = changed("quiz.yaml", "id: pick-many", "id: " + "q" * 150, files)
    long_lesson = "lessons/03-" + "x" * 101 + ".md"
    files[long_lesson] = MINI_PACK[LESSON_1]
    assert problems_in(write_pack(tmp_path, files)) == [
        "course.yaml:1: slug is 101 characters; at most 100",
        "course.yaml:2: title is 312 characters; at most 200",
        f"{LESSON_1}:2: title is 201 characters; at most 200",
        f"{long_lesson}:1: the slug in the file name is 101 characters; at most 100",
        "quiz.yaml:13: id is 150 characters; at most 100",
    ]


def test_the_pack_limits_are_the_columns_lengths():
    assert TITLE_LENGTH == column_length(CourseVersion.title) == column_length(Lesson.title)
    assert SLUG_LENGTH == column_length(Course.slug) == column_length(Lesson.slug)
    assert SLUG_LENGTH == column_length(Question.key) == column_length(Question.lesson_slug)


def test_precheck_settings_have_the_same_limits():
    with pytest.raises(ProfileProblems) as error:
        load_profile("ticker: ACME\n" + "# padding\n" * 30_000, where="settings.yaml")
    assert error.value.problems == [
        "settings.yaml:1: the file is 293 KB; a YAML file may be at most 256 KB, "
        "so split it or shorten it"
    ]
