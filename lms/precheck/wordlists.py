"""The pre-check's word lists: data files, read and indexed once per process. Pure.

Each list is `wordlists/NAME.txt` (see wordlists/README.txt for the format), plus the same
file name in an extra folder whose entries are added, so a company can extend a list
without editing what ships.

A draft is split into words once; each list finds its entries by looking up the words in
an index of the entries' first words, so checking a draft against thirty lists costs
thirty passes over a few hundred words rather than thirty large regular expressions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

SHIPPED = Path(__file__).resolve().parent / "wordlists"
# A word: letters and digits, with inner apostrophes, hyphens and * (as in "f*ck"), and a
# leading # or @ for hashtags and handles.
WORD = re.compile(r"[#@]?[\w*]+(?:['\u2019\-][\w*]+)*")


class Word(NamedTuple):
    text: str  # lower case, typographic apostrophes made plain
    start: int
    end: int


def words_of(text: str) -> list[Word]:
    plain = text.lower().replace("\u2019", "'")  # the same length, so the spans hold
    return [Word(match.group(), match.start(), match.end()) for match in WORD.finditer(plain)]


Part = str | re.Pattern[str]  # a word of an entry: itself, or a pattern when it has a *


def _part(text: str) -> Part:
    """`diagnos*` matches any ending, `f*ck` one letter where the * is; others themselves."""
    if "*" not in text:
        return text
    stem, trailing = (text[:-1], r"[\w*]*") if text.endswith("*") else (text, "")
    return re.compile(re.escape(stem).replace(r"\*", r"[\w*]") + trailing)


def _matches(part: Part, word: str) -> bool:
    return part == word if isinstance(part, str) else part.fullmatch(word) is not None


@dataclass(frozen=True)
class WordList:
    name: str
    entries: tuple[str, ...]

    def __contains__(self, word: str) -> bool:
        return word in self.entries

    def __len__(self) -> int:
        return len(self.entries)


Entry = tuple[str, tuple[Part, ...]]  # the list it belongs to, and its words


class Lexicon:
    """Every list, indexed together: one pass over a draft's words finds every entry of
    every list (a first-word lookup per word), instead of a pass per list."""

    def __init__(self, lists: dict[str, WordList]) -> None:
        self.lists = lists
        # Entries by their first word, or by their first two when both are plain words, so
        # "i think" is only tried where "i" is followed by "think".
        self._by_first: dict[str, list[Entry]] = {}
        self._by_pair: dict[tuple[str, str], list[Entry]] = {}
        wildcards: list[Entry] = []
        for name, word_list in lists.items():
            for entry in word_list.entries:
                parts = tuple(_part(word.text) for word in words_of(entry))
                if not parts:
                    continue
                if not isinstance(parts[0], str):
                    wildcards.append((name, parts))
                elif len(parts) > 1 and isinstance(parts[1], str):
                    self._by_pair.setdefault((parts[0], parts[1]), []).append((name, parts))
                else:
                    self._by_first.setdefault(parts[0], []).append((name, parts))
        for candidates in (*self._by_first.values(), *self._by_pair.values()):
            candidates.sort(key=lambda entry: len(entry[1]), reverse=True)  # longest first
        wildcards.sort(key=lambda entry: len(entry[1]), reverse=True)
        self._wildcards = wildcards
        self._wildcard_first = re.compile(
            "|".join(f"(?:{entry[1][0].pattern})" for entry in wildcards) or r"(?!x)x"
        )

    def __getitem__(self, name: str) -> WordList:
        return self.lists[name]

    def scan(self, words: list[Word]) -> dict[str, list[tuple[int, int]]]:
        """Every list's matches among a draft's words, as (start, end) spans of its text."""
        found: dict[str, list[tuple[int, int]]] = {name: [] for name in self.lists}
        for index, word in enumerate(words):
            following_word = words[index + 1].text if index + 1 < len(words) else ""
            candidates = self._by_pair.get((word.text, following_word), []) + self._by_first.get(
                word.text, []
            )
            candidates.sort(key=lambda entry: len(entry[1]), reverse=True)
            if self._wildcard_first.fullmatch(word.text):
                candidates = candidates + [
                    entry for entry in self._wildcards if _matches(entry[1][0], word.text)
                ]
            matched: set[str] = set()
            for name, parts in candidates:
                if name in matched:
                    continue
                following = words[index : index + len(parts)]
                if len(following) == len(parts) and all(
                    _matches(part, got.text) for part, got in zip(parts, following, strict=True)
                ):
                    found[name].append((word.start, following[-1].end))
                    matched.add(name)
        return found


def phrase_pattern(entries: Iterable[str]) -> re.Pattern[str]:
    """One regular expression matching any entry as whole words, in any case: for the
    company's own few names, which may hold any character ("Example Co.", "$EXCO")."""
    alternatives = [
        r"\s+".join(re.escape(word) for word in entry.split())
        for entry in sorted(set(entries), key=len, reverse=True)
        if entry.strip()
    ]
    if not alternatives:
        return re.compile(r"(?!x)x")  # matches nothing
    return re.compile(rf"(?<![\w#@$])(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)


def read_entries(path: Path) -> list[str]:
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


@cache
def load(extra: Path | None = None) -> Lexicon:
    """Every list: the shipped entries plus any in `extra` (read once per folder)."""
    lists = {}
    for path in sorted(SHIPPED.glob("*.txt")):
        if path.name != "README.txt":
            entries = read_entries(path) + (read_entries(extra / path.name) if extra else [])
            lists[path.stem] = WordList(path.stem, tuple(dict.fromkeys(entries)))
    return Lexicon(lists)
