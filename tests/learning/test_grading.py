"""Grading invariants, for any quiz: the score's range, answer order, full marks always pass."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lms.learning.grading import grade

ids = st.integers(min_value=1, max_value=50)
keys = st.dictionaries(ids, st.frozensets(ids, min_size=1, max_size=4), min_size=1, max_size=15)


@given(keys, st.dictionaries(ids, st.frozensets(ids, max_size=4)), st.integers(0, 100))
def test_the_score_is_a_percentage_and_passing_follows_the_mark(key, answers, pass_mark):
    result = grade(key, answers, pass_mark)
    assert 0 <= result.score <= 100
    assert result.passed == (result.score >= pass_mark)
    assert set(result.correct) == set(key)


@given(keys, st.integers(1, 100))
def test_all_right_answers_always_pass(key, pass_mark):
    result = grade(key, dict(key), pass_mark)
    assert result.score == 100
    assert result.passed


@given(keys, st.randoms())
def test_the_order_answers_arrive_in_does_not_matter(key, rng):
    answers = dict(key)
    items = list(answers.items())
    rng.shuffle(items)
    assert grade(key, dict(items), 80) == grade(key, answers, 80)


def test_multiple_select_is_all_or_nothing():
    key = {1: frozenset({10, 11}), 2: frozenset({20})}
    assert grade(key, {1: frozenset({10}), 2: frozenset({20})}, 50).score == 50
    assert grade(key, {1: frozenset({10, 11, 12}), 2: frozenset({20})}, 50).score == 50
    assert grade(key, {1: frozenset({10, 11}), 2: frozenset({20})}, 50).score == 100


def test_scores_round_down_so_the_pass_mark_is_never_met_by_rounding():
    key = {n: frozenset({n}) for n in range(1, 201)}
    answers = {n: frozenset({n}) for n in range(1, 160)}  # 159 of 200 = 79.5%
    result = grade(key, answers, 80)
    assert (result.score, result.passed) == (79, False)
