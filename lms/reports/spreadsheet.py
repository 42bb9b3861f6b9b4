"""Cells that a spreadsheet cannot run: the one place exports neutralise formulas. Pure."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

# A cell starting with one of these is read as a formula (or a command) by spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")


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
