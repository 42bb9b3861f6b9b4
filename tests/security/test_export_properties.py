"""Properties of the one place exports neutralise cells, over any text a person might type."""

from __future__ import annotations

import csv
import io

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils.escape import unescape

from lms.reports.exports import FileLayout, csv_chunks, write_xlsx
from lms.spreadsheet import FORMULA_STARTS, csv_lines, neutralise, neutralised

# Text as people type it, weighted towards what spreadsheets treat specially.
typed = st.text(
    alphabet=st.one_of(
        st.sampled_from([*FORMULA_STARTS, "'", '"', ",", ";", "|", " "]),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=20,
)
LAYOUT = FileLayout(header=("name", "note", "count"), text_columns=(0, 1))


@given(typed)
def test_a_neutralised_cell_never_starts_a_formula_and_keeps_what_was_typed(text: str):
    """The one change is an apostrophe in front, and only where a spreadsheet would run it."""
    cell = neutralise(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell == ("'" + text if text.startswith(FORMULA_STARTS) else text)


@given(st.lists(st.lists(typed, min_size=2, max_size=2), max_size=5))
def test_csv_round_trips_every_cell_neutralised(rows: list[list[str]]):
    document = "".join(csv_lines(["name", "note"], rows))
    read = list(csv.reader(io.StringIO(document, newline="")))
    assert read == [["name", "note"], *[[neutralise(c) for c in row] for row in rows]]


@given(st.lists(st.tuples(typed, typed, st.integers(0, 99)), max_size=5))
def test_report_files_neutralise_text_columns_and_leave_the_rest(rows):
    """The quick path (first characters only) agrees with neutralising every text cell."""
    expected = [[neutralise(name), neutralise(note), count] for name, note, count in rows]
    assert [list(row) for row in neutralised(rows, (0, 1))] == expected
    document = "".join(csv_chunks(LAYOUT, [rows]))
    read = list(csv.reader(io.StringIO(document, newline="")))
    assert read[1:] == [[name, note, str(count)] for name, note, count in expected]


@settings(max_examples=25, deadline=None)  # each example writes and reads a real workbook
@given(st.lists(st.tuples(typed, typed, st.integers(0, 99)), min_size=1, max_size=4))
def test_every_typed_xlsx_cell_is_a_string_cell(rows):
    buffer = io.BytesIO()
    write_xlsx(buffer, LAYOUT, [rows])
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    read = list(sheet.iter_rows(min_row=2, values_only=False))
    for (name, note, count), cells in zip(rows, read, strict=True):
        for typed_text, cell in ((name, cells[0]), (note, cells[1])):
            if typed_text:
                assert cell.data_type == "s", (typed_text, cell.data_type)
                # XML cannot hold control characters: they are stored as _xHHHH_ escapes,
                # which spreadsheets read back as the character.
                assert unescape(cell.value) == neutralise(typed_text)
        assert cells[2].value == count
