"""The shipped quizzes cannot be passed by reading the shape of the choices.

A quiz whose right answer is usually the longest (the most careful-sounding) choice can be
passed without reading the course. These tests read every shipped pack through the real pack
reader and measure, over all its questions (final quiz and knowledge checks), how often
length points at the answer, against what blind chance would give.
"""

from __future__ import annotations

from collections.abc import Callable
from math import comb
from pathlib import Path

import pytest

from lms.courses.packs import ChoiceSource, CoursePack, QuestionSource, read_pack

COURSES = Path(__file__).resolve().parents[2] / "courses"
PACKS = [read_pack(course.parent) for course in sorted(COURSES.glob("*/course.yaml"))]
QUESTIONS = [question for pack in PACKS for question in pack.questions]
# A guideline has knowledge checks only: no final quiz to pass by length.
WITH_FINAL_QUIZ = [p for p in PACKS if any(not q.knowledge_check for q in p.questions)]
MARGIN = 0.10  # how far above blind chance a length tell may go before it counts as one


def _correct_share(question: QuestionSource) -> float:
    """How often a blind pick of one choice would be a right one."""
    return sum(choice.correct for choice in question.choices) / len(question.choices)


def _strict_extreme(question: QuestionSource, pick: Callable) -> ChoiceSource | None:
    """The one choice strictly longer (or shorter) than every other, if there is one."""
    lengths = [len(choice.text) for choice in question.choices]
    extreme = pick(lengths)
    if lengths.count(extreme) != 1:
        return None
    return question.choices[lengths.index(extreme)]


def _tell(questions: list[QuestionSource], pick: Callable) -> tuple[float, float]:
    """The share of questions whose strictly longest/shortest choice is right, and chance."""
    hits = sum(
        (choice := _strict_extreme(question, pick)) is not None and choice.correct
        for question in questions
    )
    chance = sum(_correct_share(question) for question in questions) / len(questions)
    return hits / len(questions), chance


def test_every_shipped_pack_is_measured():
    assert {pack.slug for pack in PACKS} >= {"social-media-essentials", "social-media-guideline"}
    assert len(QUESTIONS) >= 30


@pytest.mark.parametrize(
    ("pick", "name"), [(max, "longest"), (min, "shortest")], ids=["longest", "shortest"]
)
def test_the_extreme_choice_is_right_no_more_often_than_chance(pick, name):
    share, chance = _tell(QUESTIONS, pick)
    assert share <= chance + MARGIN, (
        f"the {name} choice is right in {share:.0%} of questions; chance is {chance:.0%}"
    )


def test_right_answers_are_no_longer_than_the_distractors_on_average():
    """Each right answer against the mean of its own question's wrong ones, averaged."""
    ratios = []
    for question in QUESTIONS:
        if question.kind == "true_false":
            continue  # always the words True and False
        right = [len(c.text) for c in question.choices if c.correct]
        wrong = [len(c.text) for c in question.choices if not c.correct]
        ratios.append((sum(right) / len(right)) / (sum(wrong) / len(wrong)))
    assert 0.9 <= sum(ratios) / len(ratios) <= 1.1


def _length_strategy_score(pack: CoursePack, longest: bool) -> float:
    """The final-quiz score, in percent, of someone who always picks by length.

    For a question with several right answers they are even told how many to pick, and take
    that many of the longest (or shortest) choices; scoring is all or nothing, as in the quiz.
    """
    final = [question for question in pack.questions if not question.knowledge_check]
    right = 0
    for question in final:
        wanted = sum(choice.correct for choice in question.choices)
        by_length = sorted(question.choices, key=lambda c: len(c.text), reverse=longest)
        right += all(choice.correct for choice in by_length[:wanted])
    return 100 * right / len(final)


def _blind_score(pack: CoursePack) -> float:
    """The final-quiz score, in percent, expected from picking at random (told how many)."""
    final = [question for question in pack.questions if not question.knowledge_check]
    odds = [
        1 / comb(len(question.choices), sum(choice.correct for choice in question.choices))
        for question in final
    ]
    return 100 * sum(odds) / len(final)


@pytest.mark.parametrize("pack", WITH_FINAL_QUIZ, ids=lambda pack: pack.slug)
@pytest.mark.parametrize("longest", [True, False], ids=["longest", "shortest"])
def test_picking_by_length_fails_the_final_quiz_and_beats_blind_guessing_by_little(pack, longest):
    score, blind = _length_strategy_score(pack, longest), _blind_score(pack)
    assert score < pack.quiz.pass_mark, f"picking by length scores {score:.0f}%"
    assert score <= blind + 100 * MARGIN, (
        f"picking by length scores {score:.0f}%, blind {blind:.0f}%"
    )
