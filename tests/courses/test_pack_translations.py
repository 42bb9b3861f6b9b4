"""A pack's translations are read against its source: the shipped ones are complete, and
anything that does not fit the source is a problem at its file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lms import PROJECT_ROOT
from lms.courses.pack_translations import LANGUAGES, read_translations
from lms.courses.packs import PackError, read_pack

GUIDELINE = PROJECT_ROOT / "courses" / "social-media-guideline"
SHIPPED = [PROJECT_ROOT / "courses" / slug for slug in ("social-media-essentials", GUIDELINE.name)]
DE = "translations/de"


@pytest.mark.parametrize("folder", SHIPPED, ids=lambda folder: folder.name)
def test_the_shipped_packs_are_translated_whole_into_every_language(folder):
    pack = read_pack(folder)
    translations = read_translations(folder, pack)
    assert [t.language for t in translations] == sorted(LANGUAGES)
    for translation in translations:
        assert translation.missing == (), translation.language
        assert len(translation.lessons) == len(pack.lessons)
        assert [q.key for q in translation.questions] == [q.key for q in pack.questions]
        assert translation.title != pack.title


@pytest.fixture
def copy(tmp_path) -> Path:
    """The guideline pack with its German translation only, to break."""
    folder = tmp_path / "pack"
    shutil.copytree(GUIDELINE, folder)
    for language in ("es", "fr"):
        shutil.rmtree(folder / "translations" / language)
    return folder


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / DE / name
    text = path.read_text()
    assert old in text, f"{old!r} is not in {name}"
    path.write_text(text.replace(old, new, 1))


def _problems(folder: Path) -> list[str]:
    with pytest.raises(PackError) as raised:
        read_translations(folder, read_pack(folder))
    return raised.value.problems


def test_a_lesson_or_question_not_yet_translated_is_listed_not_refused(copy):
    (copy / DE / "lessons" / "03-say-who-you-work-for.md").unlink()
    _edit(copy, "quiz.yaml", "- id: launch-teaser\n", "- id: launch-teaser-x\n")
    assert "no question of the source has the id 'launch-teaser-x'" in _problems(copy)[0]
    _edit(copy, "quiz.yaml", "- id: launch-teaser-x\n", "- id: launch-teaser\n")
    [german] = read_translations(copy, read_pack(copy))
    assert german.missing == ("lessons/03-say-who-you-work-for.md",)


def test_what_does_not_fit_the_source_is_a_problem_at_its_line(copy):
    _edit(copy, "course.yaml", "language: de", "language: fr")
    _edit(copy, "lessons/02-who-speaks-for-example-co.md", "---\ntitle:", "---\ntopic: x\ntitle:")
    _edit(
        copy,
        "lessons/02-who-speaks-for-example-co.md",
        "Alle anderen sprechen",
        "<b>Alle</b> anderen sprechen",
    )
    (copy / DE / "lessons" / "09-extra.md").write_text("---\ntitle: Mehr\n---\nText\n")
    _edit(copy, "quiz.yaml", "  - text: >-\n", "  - correct: true\n    text: >-\n")
    problems = _problems(copy)
    assert f"{DE}/course.yaml:1: language must be 'de', its folder" in problems
    lesson = f"{DE}/lessons/02-who-speaks-for-example-co.md"
    assert f"{lesson}:2: unknown key 'topic'; expected one of title" in problems
    assert (
        f"{lesson}:6: raw HTML ('<b>') is not allowed in lessons; write it in Markdown" in problems
    )
    extra = f"{DE}/lessons/09-extra.md:1: no lesson of the source has this file name"
    assert f"{extra}; use the same names" in problems
    assert any(p.startswith(f"{DE}/quiz.yaml:") and "unknown key 'correct'" in p for p in problems)


def test_a_choice_too_many_or_too_few_is_refused(copy):
    _edit(
        copy,
        "quiz.yaml",
        "  choices:\n  - text: >-\n",
        "  choices:\n  - text: Noch eine\n  - text: >-\n",
    )
    [problem] = _problems(copy)
    assert problem.startswith(f"{DE}/quiz.yaml:") and "choices must be a list of 4" in problem


def test_a_language_postwise_does_not_offer_is_refused(copy):
    (copy / "translations" / "de").rename(copy / "translations" / "nl")
    offered = "de (Deutsch), es (Español), fr (Français)"
    assert _problems(copy) == [
        f"translations/nl/:1: 'nl' is not a language Postwise offers: {offered}"
    ]


def test_import_checks_translations_and_refuses_a_broken_one(copy, runner, db):
    good = runner.invoke(args=["courses", "import", str(copy)])
    assert good.exit_code == 0, good.output
    assert "Translation de stored." in good.output
    _edit(copy, "course.yaml", "language: de", "language: es")
    _edit(copy, "lessons/01-about-this-guideline.md", "Example Co.", "Example Co. (neu)")
    bad = runner.invoke(args=["courses", "import", str(copy)])
    assert bad.exit_code == 1
    assert f"{copy}/{DE}/course.yaml:1: language must be 'de', its folder" in bad.output
    assert "Nothing was imported" in bad.output
