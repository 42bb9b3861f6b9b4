"""The labelled corpus of drafts, and how the engine scores on it, rule by rule.

    .venv/bin/python -m tests.precheck.corpus      # precision and recall per rule, and misses

Two files: corpus.yaml, written with the rules, and corpus-second.yaml, written afterwards by
someone who had not seen the engine (see its header for how the engine first did on it).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from lms.precheck.engine import check
from lms.precheck.profile import CompanyProfile, profile_from_mapping
from lms.precheck.rules import RULES

FOLDER = Path(__file__).parent
CORPORA = (FOLDER / "corpus.yaml", FOLDER / "corpus-second.yaml")


@dataclass(frozen=True)
class Labelled:
    id: str
    text: str
    expected: frozenset[str]
    profile: CompanyProfile


def load_corpus(paths: tuple[Path, ...] = CORPORA) -> list[Labelled]:
    """Every labelled draft of the corpus files, each with its file's settings applied."""
    return [draft for path in paths for draft in _load(path)]


def _load(path: Path) -> list[Labelled]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    base = profile_from_mapping(data["settings"])
    return [
        Labelled(
            draft["id"],
            draft["text"],
            frozenset(draft["rules"]),
            profile_from_mapping(draft.get("settings", {}), base=base),
        )
        for draft in data["drafts"]
    ]


def found(draft: Labelled) -> frozenset[str]:
    return frozenset(finding.rule for finding in check(draft.text, draft.profile))


@dataclass(frozen=True)
class Score:
    true_positive: Counter[str]
    false_positive: Counter[str]
    false_negative: Counter[str]
    wrong: list[tuple[str, frozenset[str], frozenset[str]]]  # id, expected, found

    def precision(self, rule: str) -> float:
        called = self.true_positive[rule] + self.false_positive[rule]
        return self.true_positive[rule] / called if called else 1.0

    def recall(self, rule: str) -> float:
        actual = self.true_positive[rule] + self.false_negative[rule]
        return self.true_positive[rule] / actual if actual else 1.0

    def table(self) -> str:
        lines = [f"{'rule':<17} {'precision':>9} {'recall':>7}   tp  fp  fn"]
        for rule in RULES:
            tp, fp, fn = (c[rule] for c in (self.true_positive, self.false_positive,
                                             self.false_negative))  # fmt: skip
            lines.append(
                f"{rule:<17} {self.precision(rule):>9.2f} {self.recall(rule):>7.2f}"
                f"  {tp:>3} {fp:>3} {fn:>3}"
            )
        return "\n".join(lines)


def score(corpus: list[Labelled]) -> Score:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    wrong = []
    for draft in corpus:
        got = found(draft)
        tp.update(got & draft.expected)
        fp.update(got - draft.expected)
        fn.update(draft.expected - got)
        if got != draft.expected:
            wrong.append((draft.id, draft.expected, got))
    return Score(tp, fp, fn, wrong)


if __name__ == "__main__":
    result = score(load_corpus())
    print(result.table())
    for draft_id, expected, got in result.wrong:
        print(f"\n{draft_id}: expected {sorted(expected)}, found {sorted(got)}")
