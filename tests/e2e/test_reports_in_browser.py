"""In the browser: a manager filters the team to overdue people and downloads what they see;
HR looks at the organisation's charts and the guideline report."""

from __future__ import annotations

import csv
from datetime import timedelta

import openpyxl
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from lms import clock
from lms.learning.models import Enrollment
from lms.reports.completions import COLUMNS
from tests.e2e.conftest import TIMEOUT_MS, assert_accessible
from tests.e2e.test_roles_in_browser import main_nav, sign_in
from tests.helpers import PASSWORD

ESSENTIALS = "social-media-essentials"


@pytest.fixture
def team(db, org, make_employee, shipped_courses, enrol):
    """The team lead's line: Sia, Tom and three more; Sia and two others are overdue with
    the essentials, and the outsider (not in the line) is overdue too."""
    people = [org["staff"], org["staff2"], org["outsider"]]
    people += [
        make_employee(first_name=name, last_name="Member", manager_id=org["lead"].id)
        for name in ("Ada", "Ben", "Cy")
    ]
    overdue = {org["staff"].id, people[3].id, people[5].id, org["outsider"].id}
    for person in people:
        for version in shipped_courses.values():
            enrol(person, version)
    for enrollment in db.scalars(
        select(Enrollment).where(
            Enrollment.employee_id.in_(overdue),
            Enrollment.course_id == shipped_courses[ESSENTIALS].course_id,
        )
    ):
        enrollment.due_at = clock.now() - timedelta(days=2)
    db.commit()
    return org, sorted(p.email for p in people if p.id in overdue and p is not org["outsider"])


def test_a_manager_downloads_their_overdue_people(
    page: Page, team, tmp_path, shipped_courses
) -> None:
    org, overdue_emails = team
    sign_in(page, org["lead"].email, PASSWORD)
    main_nav(page).get_by_role("link", name="My team").click()
    expect(page.get_by_role("heading", level=1, name="My team")).to_be_visible()
    expect(page.get_by_text("10 records found.")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Status").select_option("overdue")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("3 records found.")).to_be_visible()
    rows = page.locator("table:not(.summary) tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.get_by_text("Overdue")).to_have_count(3)
    shown = sorted(rows.locator("td:first-child .muted").all_inner_texts())
    assert shown == overdue_emails
    expect(page.get_by_text(org["outsider"].email)).to_have_count(0)
    assert_accessible(page)

    with page.expect_download(timeout=TIMEOUT_MS) as csv_download:
        page.get_by_role("link", name="CSV", exact=True).click()
    download = csv_download.value
    assert download.suggested_filename == (
        "postwise-completions-team-of-lee-lead-overdue-2026-03-02.csv"
    )
    with open(download.path(), encoding="utf-8", newline="") as file:
        header, *csv_rows = list(csv.reader(file))
    assert tuple(header) == COLUMNS
    assert sorted(row[2] for row in csv_rows) == overdue_emails
    title = shipped_courses[ESSENTIALS].title
    assert {(row[5], row[7]) for row in csv_rows} == {(title, "overdue")}

    with page.expect_download(timeout=TIMEOUT_MS) as xlsx_download:
        page.get_by_role("link", name="Excel (XLSX)").click()
    workbook = xlsx_download.value
    assert workbook.suggested_filename.endswith("-overdue-2026-03-02.xlsx")
    saved = tmp_path / workbook.suggested_filename
    workbook.save_as(saved)
    xlsx_header, *xlsx_rows = list(openpyxl.load_workbook(saved).active.iter_rows(values_only=True))
    assert xlsx_header == COLUMNS
    assert sorted(row[2] for row in xlsx_rows) == overdue_emails
    assert [row[:6] for row in xlsx_rows] == [tuple(row[:6]) for row in csv_rows]


def test_hr_reads_the_organisation_charts_and_the_guideline_report(page: Page, team) -> None:
    org, _ = team
    sign_in(page, org["hr"].email, PASSWORD)
    main_nav(page).get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1, name="Organisation")).to_be_visible()
    for name in (
        "Completion by department",
        "Completion by course",
        "People overdue by department",
    ):
        expect(page.get_by_role("img", name=name)).to_be_visible()
    page.get_by_text("People overdue by department as a table").click()
    expect(page.get_by_role("row", name="Marketing 3")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Who has acknowledged the guideline").click()
    expect(page.get_by_role("heading", level=1, name="Guideline acknowledgements")).to_be_visible()
    expect(page.get_by_text("0 of 9 have acknowledged it (0%)")).to_be_visible()
    assert_accessible(page)
