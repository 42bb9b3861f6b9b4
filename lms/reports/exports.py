"""Report files, CSV and XLSX, written batch by batch as rows arrive: memory stays flat
however long the report. Both neutralise the same cells, so they hold the same values. Pure."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

import xlsxwriter

from lms.spreadsheet import neutralised

BOM = "\ufeff"  # lets Excel on Windows read the file as UTF-8
Batches = Iterable[Sequence[Sequence[object]]]


@dataclass(frozen=True)
class FileLayout:
    """A report's columns and what each holds, for both file formats."""

    header: tuple[str, ...]
    text_columns: tuple[int, ...]  # what people typed: the cells to neutralise
    date_columns: tuple[int, ...] = ()  # 'YYYY-MM-DD' text, written as dates in XLSX
    widths: tuple[int, ...] = ()  # XLSX column widths, in characters
    sheet: str = "Report"


def csv_chunks(layout: FileLayout, batches: Batches, *, bom: bool = False) -> Iterator[str]:
    """A CSV document (UTF-8 text, CRLF lines) as one chunk per batch of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if bom:
        buffer.write(BOM)
    writer.writerow(layout.header)
    for batch in batches:
        writer.writerows(neutralised(batch, layout.text_columns))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():  # the header alone, when there were no rows
        yield buffer.getvalue()


def write_xlsx(out: BinaryIO, layout: FileLayout, batches: Batches) -> int:
    """Write an XLSX workbook to `out`; returns the number of data rows.

    Constant-memory mode writes each row to a temporary file as it goes. Every string is a
    string cell (never a formula or a link), dates are real dates, numbers numbers.
    """
    workbook = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": "yyyy-mm-dd",
        },
    )
    worksheet = workbook.add_worksheet(layout.sheet)
    for column, width in enumerate(layout.widths):
        worksheet.set_column(column, column, width)
    worksheet.freeze_panes(1, 0)
    worksheet.write_row(0, 0, layout.header, workbook.add_format({"bold": True}))
    row_number = 0
    for batch in batches:
        for row in neutralised(batch, layout.text_columns):
            row_number += 1
            if layout.date_columns:
                row = list(row)
                for column in layout.date_columns:
                    if row[column]:
                        row[column] = date.fromisoformat(str(row[column]))
            worksheet.write_row(row_number, 0, row)
    worksheet.autofilter(0, 0, row_number, len(layout.header) - 1)
    workbook.close()
    return row_number
