"""Cells that a spreadsheet cannot run: the one place exports neutralise formulas. Pure."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

# A cell starting with one of these is read as a formula (or a command) by spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
_FIRST_CHARACTERS = frozenset(FORMULA_STARTS)


def neutralise(value: object) -> str:
    """The value as text, with a leading apostrophe if a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(header: list[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """A CSV document line by line, every cell neutralised, for streaming responses."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in _with_header(header, rows):
        writer.writerow(neutralise(cell) for cell in row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _with_header(header: list[str], rows: Iterable[Iterable[object]]) -> Iterator[Iterable[object]]:
    yield header
    yield from rows


def neutralised(
    rows: Iterable[Sequence[object]], text_columns: Sequence[int]
) -> Iterator[Sequence[object]]:
    """Rows with the cells of `text_columns` neutralised, for reports whose other columns
    Postwise makes itself (dates, statuses, numbers): checking only what people typed, one
    first character at a time, keeps a 500,000-row export quick."""
    for row in rows:
        for column in text_columns:
            cell = row[column]
            if cell and str(cell)[0] in _FIRST_CHARACTERS:
                row = [neutralise(c) if i in text_columns else c for i, c in enumerate(row)]
                break
        yield row
