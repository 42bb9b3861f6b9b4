"""In the browser: once the guideline is acknowledged, every page says it is done.

Before the fix, an employee who acknowledged it was still "Overdue, 0 of 8" on My learning and
on their manager's My team, while the guideline report said "acknowledged"."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from lms import clock
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in, sign_out
from tests.helpers import PASSWORD

GUIDELINE = "Our social media guideline"


def test_an_acknowledged_guideline_is_completed_for_the_employee_the_manager_and_hr(
    page: Page, org, shipped_courses, enrol
) -> None:
    staff = org["staff"]
    enrol(staff, shipped_courses["social-media-guideline"], due_at=clock.now() - timedelta(days=1))
    sign_in(page, staff.email, PASSWORD)
    mine = page.get_by_role("listitem").filter(has_text=GUIDELINE)
    expect(mine.get_by_text("Overdue")).to_be_visible()

    page.get_by_role("link", name="Read and acknowledge the guideline").click()
    page.get_by_role("button", name="I have read version 1 and will follow it").click()
    expect(page.get_by_text("you acknowledged version 1 of the guideline")).to_be_visible()
    page.goto("/")
    mine = page.get_by_role("listitem").filter(has_text=GUIDELINE)
    expect(mine.get_by_text("Completed")).to_be_visible()
    expect(mine.get_by_text("8 of 8")).to_be_visible()
    expect(mine.get_by_text("Overdue")).to_have_count(0)
    assert_accessible(page)
    sign_out(page)

    sign_in(page, org["lead"].email, PASSWORD)
    page.goto("/reports/team")
    row = page.get_by_role("row").filter(has_text="Sia Staff").filter(has_text=GUIDELINE)
    expect(row.get_by_text("Completed")).to_be_visible()
    expect(row.get_by_text("Overdue")).to_have_count(0)
    sign_out(page)

    sign_in(page, org["hr"].email, PASSWORD)
    page.goto("/reports/guideline")
    row = page.get_by_role("row").filter(has_text="Sia Staff")
    expect(row.get_by_text("Acknowledged", exact=False)).to_be_visible()
