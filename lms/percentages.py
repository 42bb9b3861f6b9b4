"""Whole-number percentages people read on a page. Pure.

Two rules, because people check figures against each other:

- the shares of one whole (a course's people by status) add up to exactly 100, so a row
  never reads 99% or 101% in total (largest remainder);
- a single share rounds to the nearest whole number, except that it never claims what is
  not so: anything short of all reads at most 99%, anything more than none at least 1%.
"""

from __future__ import annotations

from collections.abc import Sequence


def shares(counts: Sequence[int]) -> list[int]:
    """Each count's percentage of their sum, summing to exactly 100 (all 0 when the sum is 0).

    Every part is its exact share rounded down or up: the points left after rounding down
    go to the largest remainders, ties to the larger count, then to the earlier one.
    """
    total = sum(counts)
    if total <= 0:
        return [0 for _ in counts]
    floors = [count * 100 // total for count in counts]
    remainders = [count * 100 % total for count in counts]
    left = 100 - sum(floors)
    order = sorted(range(len(counts)), key=lambda i: (-remainders[i], -counts[i], i))
    for index in order[:left]:
        floors[index] += 1
    return floors


def share(part: int, whole: int) -> int:
    """`part` of `whole` as a percentage, to the nearest whole number (halves up), but
    never 100 unless part is whole, and never 0 unless part is nothing (0 when whole is 0)."""
    if whole <= 0 or part <= 0:
        return 0
    if part >= whole:
        return 100
    nearest = (part * 200 + whole) // (whole * 2)
    return min(max(nearest, 1), 99)
