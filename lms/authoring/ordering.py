"""Positions of lessons and questions in a draft: always 1..n, in list order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy.orm import Session


class Positioned(Protocol):
    position: int


def renumber(session: Session, items: Sequence[Positioned]) -> None:
    """Give items the positions 1..n in this order.

    Lessons are unique per (version, position) and rows are updated one by one, so the new
    positions are reached through negative ones: no two rows ever share a position.
    """
    if all(item.position == n for n, item in enumerate(items, start=1)):
        return
    for n, item in enumerate(items, start=1):
        item.position = -n
    session.flush()
    for n, item in enumerate(items, start=1):
        item.position = n
    session.flush()


def moved(items: Sequence[Positioned], index: int, offset: int) -> list[Positioned]:
    """The items with the one at `index` moved by `offset` places (kept within the ends)."""
    order = list(items)
    target = min(max(index + offset, 0), len(order) - 1)
    order.insert(target, order.pop(index))
    return order


def move_within(session: Session, items: list[Any], item: Positioned, offset: int) -> None:
    """Move one item of a draft's list by `offset` places, positions and list order alike."""
    renumber(session, moved(items, items.index(item), offset))
    items.sort(key=lambda each: each.position)


def remove_from(session: Session, items: list[Any], item: Positioned) -> None:
    """Delete one item of a draft's list and close the gap it leaves."""
    items.remove(item)
    session.flush()
    renumber(session, items)
