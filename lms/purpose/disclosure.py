"""Could anyone work out one person's answers from the figures published so far? Pure.

Each published figure is a total over a set of answers (one answer per person in it).
Anyone who reads figures can add and subtract them, and so learn the total over any set
of answers that is a combination of the published sets: a group of 6 minus the same group
of 5 is one person. `singles_out` says whether some combination of the figures (all of
them, every period) isolates one person: one of their answers, or the change between two
of their answers. It is exact (rational arithmetic), so it catches differencing of any
number of figures, not only of two.

How: answers that sit in exactly the same figures ("atoms") can never be told apart by
adding and subtracting, so only atoms of one answer can be singled out, and a person is
exposed when some non-zero combination of their one-answer atoms lies in the row space of
the figures-by-atoms matrix. A figure of one period holds one answer per person, so an
atom of two or more answers always holds two or more people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence, Set
from fractions import Fraction

Row = dict[int, Fraction]  # a sparse row: column → non-zero value


def singles_out(figures: Sequence[Set[int]], owner: Mapping[int, int], smallest: int = 1) -> bool:
    """True if adding and subtracting the figures (sets of answer ids) isolates one person.

    `owner` maps each answer id to the person who gave it. With `smallest` above 1 it also
    says True when the reduced combinations of the figures that avoid every atom of
    `smallest` answers or more (the "Everyone minus Sales" kind) cover fewer than
    `smallest` people: a cheap extra screen, exact only for one person.
    """
    atoms: dict[tuple[int, ...], list[int]] = defaultdict(list)
    where: dict[int, list[int]] = defaultdict(list)
    for index, figure in enumerate(figures):
        for answer in figure:
            where[answer].append(index)
    for answer, indexes in where.items():
        atoms[tuple(indexes)].append(answer)
    # Large atoms first: the reduced rows whose pivot is a small atom then span exactly the
    # combinations that avoid every large atom.
    columns = sorted(atoms, key=lambda key: len(atoms[key]) < smallest)
    lonely: dict[int, list[int]] = defaultdict(list)  # person → their one-answer atom columns
    for column, key in enumerate(columns):
        if len(atoms[key]) == 1:
            lonely[owner[atoms[key][0]]].append(column)
    rows: list[Row] = [{} for _ in figures]
    for column, key in enumerate(columns):
        for index in key:
            rows[index][column] = Fraction(1)
    reduced, pivots = _reduce(rows)
    if any(_exposed(reduced, pivots, set(cols)) for cols in lonely.values()):
        return True
    for pivot, index in pivots.items():
        if len(atoms[columns[pivot]]) < smallest:
            people = {owner[a] for column in reduced[index] for a in atoms[columns[column]]}
            if len(people) < smallest:
                return True
    return False


def _reduce(rows: list[Row]) -> tuple[list[Row], dict[int, int]]:
    """Reduced row echelon form: the non-zero rows, and pivot column → row index."""
    reduced: list[Row] = []
    pivots: dict[int, int] = {}
    for original in rows:
        row = dict(original)
        for column, index in pivots.items():
            factor = row.get(column)
            if factor:
                _subtract(row, reduced[index], factor)
        if not row:
            continue
        pivot = min(row)
        scale = row[pivot]
        row = {column: value / scale for column, value in row.items()}
        for other in reduced:
            factor = other.get(pivot)
            if factor:
                _subtract(other, row, factor)
        pivots[pivot] = len(reduced)
        reduced.append(row)
    return reduced, pivots


def _subtract(row: Row, other: Row, factor: Fraction) -> None:
    """row -= factor * other, dropping the entries that become zero."""
    for column, value in other.items():
        result = row.get(column, Fraction(0)) - factor * value
        if result:
            row[column] = result
        else:
            row.pop(column, None)


def _exposed(reduced: list[Row], pivots: dict[int, int], columns: set[int]) -> bool:
    """Whether a non-zero vector supported on `columns` lies in the row space.

    Such a vector is a combination of the rows whose pivot is in `columns`; it must vanish
    on every non-pivot column outside `columns`. It exists when those rows, cut down to
    those columns, are linearly dependent (or when a row has nothing left at all).
    """
    chosen = [reduced[pivots[column]] for column in columns if column in pivots]
    if not chosen:
        return False
    cut = [{c: v for c, v in row.items() if c not in columns and c not in pivots} for row in chosen]
    rank = len(_reduce(cut)[0])
    return rank < len(chosen)
