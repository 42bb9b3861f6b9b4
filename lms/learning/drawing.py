"""Which questions an attempt asks: a fair share from every lesson of the course. Pure.

A plain random sample of the pool can leave a lesson out of an attempt altogether, so a
learner could pass without ever being asked about, say, the company guideline. Drawing by
lesson makes every attempt cover every lesson that has questions, as long as the quiz draws
at least one question per lesson (the pack reader insists on that).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Protocol, TypeVar


class HasLesson(Protocol):
    @property
    def lesson_slug(self) -> str | None: ...


Q = TypeVar("Q", bound=HasLesson)


def draw_by_lesson(pool: Sequence[Q], count: int, rng: random.Random | None) -> list[Q]:
    """`count` questions from `pool`, each lesson's share within one of every other's.

    Lessons take turns giving one question each until `count` is reached; a lesson whose
    questions are all drawn sits the rest out. Questions that name no lesson take their turn
    together, after the lessons, so they never crowd a lesson out. With `rng`, the lessons'
    order and which of their questions they give are random, so the extra questions go to a
    different lesson each attempt; without it (questions not shuffled) the turns and the
    questions follow the pool's order, giving the same quiz every time. The result keeps
    the pool's order; shuffling it is the caller's choice.
    """
    if count >= len(pool):
        return list(pool)
    groups: dict[str | None, list[int]] = {}
    for index, question in enumerate(pool):
        groups.setdefault(question.lesson_slug, []).append(index)
    untagged = groups.pop(None, None)
    turns = list(groups.values())
    if rng is not None:
        rng.shuffle(turns)
        turns = [rng.sample(group, len(group)) for group in turns]
    if untagged is not None:
        turns.append(rng.sample(untagged, len(untagged)) if rng is not None else untagged)
    chosen: list[int] = []
    depth = 0
    while len(chosen) < count:
        for group in turns:
            if depth < len(group) and len(chosen) < count:
                chosen.append(group[depth])
        depth += 1
    return [pool[index] for index in sorted(chosen)]
