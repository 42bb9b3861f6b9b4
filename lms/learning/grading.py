"""Scoring a quiz attempt. Pure: the facts in, the result out; only the server calls it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    score: int  # percent, 0 to 100
    passed: bool
    correct: dict[int, bool]  # question id → answered correctly


def grade(
    answer_key: Mapping[int, frozenset[int]],
    answers: Mapping[int, frozenset[int]],
    pass_mark: int,
) -> Result:
    """Score answers against the key; a question counts only if exactly the right choices
    are selected (multiple-select is all or nothing). Unanswered questions score nothing."""
    correct = {
        question_id: answers.get(question_id, frozenset()) == right
        for question_id, right in answer_key.items()
    }
    total = len(correct)
    # Floor, so a score shown as 80% is never a rounded-up 79.5%.
    score = (100 * sum(correct.values())) // total if total else 0
    return Result(score=score, passed=score >= pass_mark, correct=correct)
