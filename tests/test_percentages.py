"""Percentages on the report pages: shares of a whole sum to 100, single shares never lie."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.percentages import share, shares


@given(st.lists(st.integers(min_value=0, max_value=100_000), max_size=8))
def test_shares_sum_to_100_and_each_is_its_exact_share_rounded_down_or_up(counts):
    parts = shares(counts)
    total = sum(counts)
    assert len(parts) == len(counts)
    assert sum(parts) == (100 if total else 0)
    for count, part in zip(counts, parts, strict=True):
        exact = Fraction(count * 100, total) if total else Fraction(0)
        assert part in {math.floor(exact), math.ceil(exact)}


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([1, 1, 1], [34, 33, 33]),  # rounded down each is 33: 99 in all
        ([2, 1], [67, 33]),
        ([1, 5], [17, 83]),
        ([0, 0], [0, 0]),
        ([], []),
        ([7], [100]),
    ],
)
def test_shares_examples(counts, expected):
    assert shares(counts) == expected


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=10_000))
def test_a_single_share_is_the_nearest_but_never_all_or_nothing_when_it_is_not(part, whole):
    part = min(part, whole)
    percent = share(part, whole)
    if whole == 0 or part == 0:
        assert percent == 0
    elif part == whole:
        assert percent == 100
    else:
        assert 1 <= percent <= 99
        assert abs(Fraction(part * 100, whole) - percent) <= Fraction(1, 2) or percent in {1, 99}


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(1, 6, 17), (2, 3, 67), (1, 2, 50), (199, 200, 99), (1, 1000, 1), (72, 100, 72)],
)
def test_share_examples(part, whole, expected):
    assert share(part, whole) == expected
