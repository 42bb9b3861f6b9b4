"""The team page and its downloads: scope, filters, files that match the page, safe cells."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import select

from lms import clock
from lms.learning.models import Enrollment
from lms.people.importer import import_people
from lms.people.models import Employee
from lms.reports.completions import COLUMNS
from tests.people.hris_files import MAX_BYTES, csv_file, person_row
from tests.reports.helpers import complete_after_attempts

ESSENTIALS = "social-media-essentials"


@pytest.fixture
def enrolled(db, org, shipped_courses, enrol):
    """Everyone has both courses; Sia (in the team lead's line) is overdue with the essentials."""
    for person in org.values():
        for version in shipped_courses.values():
            enrol(person, version)
    overdue = db.scalar(
        select(Enrollment).where(
            Enrollment.employee_id == org["staff"].id,
            Enrollment.course_id == shipped_courses[ESSENTIALS].course_id,
        )
    )
    overdue.due_at = clock.now() - timedelta(days=3)
    db.commit()
    return org


def _get(client, path: str):
    """A response read whole, closed as a WSGI server would close a streamed one."""
    with client.get(path) as response:
        response.was_streamed = response.is_streamed
        response.body = response.get_data()
    return response


def _csv_rows(response) -> list[list[str]]:
    text = response.body.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _xlsx_rows(response) -> tuple[list[list[object]], list[str]]:
    """The rows of the workbook, and the type of every cell of the text columns."""
    sheet = openpyxl.load_workbook(io.BytesIO(response.body)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    text_types = [cell.data_type for row in sheet.iter_rows(min_row=2) for cell in row[:6]]
    return rows, text_types


def test_a_manager_sees_their_line_and_never_anyone_else(client, login, enrolled):
    org = enrolled
    login(org["lead"])
    page = client.get("/reports/team").get_data(as_text=True)
    assert "My team" in page
    assert "4 records found" in page
    for person in ("staff", "staff2"):
        assert f'href="/people/{org[person].id}"' in page
    for person in ("outsider", "hr", "senior", "lead"):
        assert f'href="/people/{org[person].id}"' not in page
    # Another department's name in the filter finds nobody outside the line.
    sales = client.get("/reports/team?department=Sales").get_data(as_text=True)
    assert "Not a valid choice" in sales
    assert org["outsider"].email not in sales


def test_hr_sees_everyone_and_the_leavers_on_request(client, login, db, enrolled):
    org = enrolled
    org["outsider"].is_active = False
    db.commit()
    login(org["hr"])
    page = client.get("/reports/team").get_data(as_text=True)
    assert "Training records" in page
    assert "10 records found" in page
    assert org["outsider"].email not in page
    with_leavers = client.get("/reports/team?inactive=y").get_data(as_text=True)
    assert "12 records found" in with_leavers
    assert org["outsider"].email in with_leavers


def test_the_counts_show_each_course_with_its_progress(client, login, enrolled):
    login(enrolled["lead"])
    page = client.get("/reports/team").get_data(as_text=True)
    assert "0 of 2 completed (0%)" in page
    assert '1 <span class="muted">(50%)</span>' in page  # one of two overdue


def test_downloads_hold_exactly_the_rows_the_page_shows(client, login, enrolled, shipped_courses):
    org = enrolled
    login(org["senior"])
    page = client.get("/reports/team?status=overdue").get_data(as_text=True)
    assert "1 record found" in page
    assert 'href="/reports/completions.csv?status=overdue"' in page

    response = _get(client, "/reports/completions.csv?status=overdue")
    assert response.was_streamed
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="postwise-completions-team-of-sam-senior-overdue-2026-03-02.csv"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    header, *rows = _csv_rows(response)
    assert tuple(header) == COLUMNS
    assert header[5] == "course"
    assert rows == [
        [
            org["staff"].hris_id,
            "Sia Staff",
            org["staff"].email,
            "Marketing",
            "Lee Lead",
            shipped_courses[ESSENTIALS].title,  # the title people know, not the slug
            "",
            "overdue",
            "2026-03-02",
            "2026-02-27",
            "",
            "",
            "0",
        ]
    ]

    workbook = _get(client, "/reports/completions.xlsx?status=overdue")
    assert workbook.headers["Content-Disposition"].endswith('overdue-2026-03-02.xlsx"')
    assert workbook.headers["Cache-Control"] == "no-store"
    (xlsx_header, *xlsx_rows), _types = _xlsx_rows(workbook)
    assert tuple(xlsx_header) == COLUMNS
    # The same values; the workbook's dates are dates and its numbers numbers.
    assert [[_as_csv(value) for value in row] for row in xlsx_rows] == rows


def _as_csv(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "date"):
        return value.date().isoformat()
    return str(value)


def test_the_csv_can_start_with_a_bom_for_excel(client, login, enrolled):
    login(enrolled["hr"])
    plain = _get(client, "/reports/completions.csv")
    with_bom = _get(client, "/reports/completions.csv?bom=1")
    assert not plain.body.startswith(b"\xef\xbb\xbf")
    assert with_bom.body == b"\xef\xbb\xbf" + plain.body


def test_unknown_filters_get_a_clear_refusal_and_no_file(client, login, enrolled):
    login(enrolled["hr"])
    response = _get(client, "/reports/completions.xlsx?status=late&course=nope")
    assert response.status_code == 400
    assert "Content-Disposition" not in response.headers
    text = response.body.decode()
    assert "does not know the course &#39;nope&#39; and the status &#39;late&#39;" in text


def test_formulas_from_the_hris_file_are_neutralised_in_both_files(
    client, login, db, org, shipped_courses, enrol
):
    hostile = csv_file(
        person_row("=1+1", "eq@example.com", '=HYPERLINK("http://evil")', "Eq"),
        person_row("P2", "plus@example.com", "+Plus", "-Minus", department="@SUM(A1)"),
        person_row("P3", "fine@example.com", "Fine", "Person", manager="=1+1"),
    )
    import_people(db, hostile, max_bytes=MAX_BYTES, actor_id=None)
    db.commit()
    for person in db.scalars(select(Employee).where(Employee.email.like("%@example.com"))):
        enrol(person, shipped_courses[ESSENTIALS])
    login(org["hr"])

    _header, *rows = _csv_rows(_get(client, "/reports/completions.csv"))
    by_email = {row[2]: row for row in rows}
    assert by_email["eq@example.com"][:2] == ["'=1+1", '\'=HYPERLINK("http://evil") Eq']
    assert by_email["plus@example.com"][1] == "'+Plus -Minus"
    assert by_email["plus@example.com"][3] == "'@SUM(A1)"
    assert by_email["fine@example.com"][4] == '\'=HYPERLINK("http://evil") Eq'  # the manager
    formula_starts = ("=", "+", "-", "@", "\t", "\r")
    assert not [cell for row in rows for cell in row if cell.startswith(formula_starts)]

    (_header, *xlsx_rows), text_types = _xlsx_rows(_get(client, "/reports/completions.xlsx"))
    assert set(text_types) <= {"s", "n"}  # strings, or empty ("n" with no value)
    assert {row[2]: row[1] for row in xlsx_rows}["eq@example.com"] == (
        '\'=HYPERLINK("http://evil") Eq'
    )
    assert not [c for row in xlsx_rows for c in row if str(c or "").startswith(formula_starts)]


def test_a_persons_page_shows_their_record_with_score_and_attempts(
    client, login, db, enrolled, shipped_courses
):
    org = enrolled
    version = shipped_courses[ESSENTIALS]
    enrollment = db.scalar(
        select(Enrollment).where(
            Enrollment.employee_id == org["staff2"].id, Enrollment.course_id == version.course_id
        )
    )
    complete_after_attempts(db, enrollment, version, [50, 85])
    login(org["senior"])
    page = client.get(f"/people/{org['staff2'].id}").get_data(as_text=True)
    row = page[page.index(version.title) :]
    row = row[: row.index("</tr>")]
    assert "Completed 2 March 2026" in row
    assert "<td>85%</td>" in row
    assert "<td>2</td>" in row
    assert client.get(f"/people/{org['outsider'].id}").status_code == 404
