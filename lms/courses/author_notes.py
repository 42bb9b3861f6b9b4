"""Notes for HR in a template ("delete this note before you publish") never reach learners.

A shipped pack may carry advice for whoever adapts it, written as a Markdown quote that
starts with "Note for HR" (or "Note for authors"); a translation's note says so in its own
words with "(Note for HR)" after them ("Hinweis für HR (Note for HR) …"). A draft may hold
one; publishing refuses a version that still does, naming the file and line, so the note
cannot go out by mistake.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Mapping

from lms.courses.pack_translations import PackTranslation
from lms.courses.packs import CoursePack

# `> **Note for HR (delete this note before you publish).** …`, bold or not, any case, or
# `> **Hinweis für HR (Note for HR) …`: the English words within the first few.
_NOTE_START = re.compile(
    r" {0,3}>\s*(?:\*\*|__)?\s*(?:[^\n(]{1,30}\(\s*)?note for (?:hr|authors?)(?![a-z])",
    re.IGNORECASE,
)
_QUOTE_LINE = re.compile(r" {0,3}>")
_SHOWN = 60  # characters of the note quoted back in the message


def note_lines(markdown: str) -> Iterator[tuple[int, str]]:
    """Each author's note in a lesson: its first line number (1-based) and its opening words."""
    for number, line in enumerate(markdown.splitlines(), start=1):
        if _NOTE_START.match(line):
            words = line.lstrip(" >*_").replace("**", "").strip()
            yield number, words if len(words) <= _SHOWN else words[: _SHOWN - 1] + "…"


def without_notes(markdown: str) -> str:
    """The lesson with every author's note (the whole quote) and the blank line after it gone."""
    kept: list[str] = []
    skipping = False
    for line in markdown.splitlines(keepends=True):
        if _NOTE_START.match(line):
            skipping = True
        elif skipping and not _QUOTE_LINE.match(line):
            skipping = False
            if not line.strip():
                continue  # the blank line that closed the note
        if not skipping:
            kept.append(line)
    return "".join(kept)


def publishing_problems(files: Mapping[str, bytes]) -> list[tuple[str, int, str]]:
    """Why a pack (as its files) cannot be published yet: (file, line, message) for each
    note for HR left in a lesson."""
    return [
        (
            name,
            number,
            f"this lesson still holds a note for HR (“{words}”): delete the note, then publish",
        )
        for name, content in sorted(files.items())
        if name.startswith(("lessons/", "translations/")) and name.endswith(".md")
        for number, words in note_lines(content.decode("utf-8", errors="replace"))
    ]


def translation_files(translations: Iterable[PackTranslation]) -> dict[str, bytes]:
    """The translated lessons as files, named as in the pack, for `publishing_problems`."""
    return {
        f"translations/{translation.language}/lessons/{lesson.slug}.md": lesson.body.encode()
        for translation in translations
        for lesson in translation.lessons
    }


def translations_without_notes(
    translations: Iterable[PackTranslation],
) -> tuple[PackTranslation, ...]:
    """The translations with their lessons' notes for HR deleted."""
    return tuple(
        dataclasses.replace(
            translation,
            lessons=tuple(
                dataclasses.replace(lesson, body=without_notes(lesson.body))
                for lesson in translation.lessons
            ),
        )
        for translation in translations
    )


def without_author_notes(pack: CoursePack) -> CoursePack:
    """The pack with every lesson's notes for HR deleted, as HR would before publishing."""
    lessons = tuple(
        dataclasses.replace(lesson, body=without_notes(lesson.body)) for lesson in pack.lessons
    )
    return dataclasses.replace(pack, lessons=lessons)
