"""Drawing an attempt's questions by lesson: every lesson asked, shares within one. Pure."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

import pytest

from lms.learning.drawing import draw_by_lesson


def seeded(seed: int) -> random.Random:
    """A repeatable random source, so a draw can be checked again."""
    return random.Random(seed)  # noqa: S311 - test draws, not secrets


@dataclass(frozen=True)
class Q:
    key: str
    lesson_slug: str | None


def pool(**sizes: int) -> list[Q]:
    """Questions per lesson, interleaved as an author might list them; `none` = no lesson."""
    questions = [
        Q(f"{lesson}-{n}", None if lesson == "none" else lesson)
        for lesson, size in sizes.items()
        for n in range(size)
    ]
    return sorted(questions, key=lambda q: q.key[::-1])  # mixed, not grouped by lesson


def shares(questions: list[Q]) -> Counter[str | None]:
    return Counter(q.lesson_slug for q in questions)


# Like the flagship: nine lessons, one of them with a single question, 15 drawn from 27.
FLAGSHIP = pool(a=3, b=2, c=5, d=3, e=4, f=2, g=2, h=1, guideline=5)


def test_every_lesson_is_asked_and_shares_differ_by_at_most_one():
    for seed in range(300):
        drawn = draw_by_lesson(FLAGSHIP, 15, seeded(seed))
        assert len(drawn) == len(set(drawn)) == 15
        counts = shares(drawn)
        assert set(counts) == shares(FLAGSHIP).keys(), seed
        assert counts["guideline"] >= 1
        assert max(counts.values()) - min(counts.values()) <= 1, (seed, counts)


def test_a_lesson_with_few_questions_gives_them_all_and_the_rest_share_evenly():
    questions = pool(big=10, other=10, tiny=1)
    for seed in range(100):
        counts = shares(draw_by_lesson(questions, 9, seeded(seed)))
        assert counts["tiny"] == 1
        assert sorted((counts["big"], counts["other"])) == [4, 4]


def test_the_extra_questions_go_to_a_different_lesson_from_attempt_to_attempt():
    """15 from nine lessons: six lessons get a second question, not always the same six."""
    questions = pool(a=3, b=3, c=3, d=3, e=3, f=3, g=3, h=3, i=3)
    doubled = Counter()
    for seed in range(900):
        counts = shares(draw_by_lesson(questions, 15, seeded(seed)))
        doubled.update(lesson for lesson, count in counts.items() if count == 2)
    assert set(doubled) == set("abcdefghi")
    assert max(doubled.values()) - min(doubled.values()) < 0.2 * 600  # each about 6/9 of 900


def test_questions_naming_no_lesson_never_crowd_a_lesson_out():
    questions = pool(a=2, b=2, none=6)
    for seed in range(100):
        assert shares(draw_by_lesson(questions, 2, seeded(seed))) == {"a": 1, "b": 1}
    counts = shares(draw_by_lesson(questions, 6, seeded(0)))
    assert counts == {"a": 2, "b": 2, None: 2}


def test_the_same_seed_draws_the_same_questions_and_other_seeds_others():
    first = draw_by_lesson(FLAGSHIP, 15, seeded(7))
    assert draw_by_lesson(FLAGSHIP, 15, seeded(7)) == first
    draws = {tuple(draw_by_lesson(FLAGSHIP, 15, seeded(seed))) for seed in range(50)}
    assert len(draws) > 45


def test_the_draw_keeps_the_pool_order():
    drawn = draw_by_lesson(FLAGSHIP, 15, seeded(3))
    assert drawn == [q for q in FLAGSHIP if q in drawn]


def test_without_a_random_source_the_quiz_is_the_same_every_time_and_still_balanced():
    drawn = draw_by_lesson(FLAGSHIP, 15, None)
    assert drawn == draw_by_lesson(FLAGSHIP, 15, None)
    counts = shares(drawn)
    assert set(counts) == shares(FLAGSHIP).keys()
    assert max(counts.values()) - min(counts.values()) <= 1
    by_lesson = {lesson: [q for q in FLAGSHIP if q.lesson_slug == lesson] for lesson in counts}
    for lesson, count in counts.items():  # each lesson gives its first questions
        assert [q for q in drawn if q.lesson_slug == lesson] == by_lesson[lesson][:count]


@pytest.mark.parametrize("count", [27, 40])
def test_drawing_the_whole_pool_or_more_gives_every_question(count):
    assert draw_by_lesson(FLAGSHIP, count, seeded(0)) == FLAGSHIP
