"""On a phone (375 by 740 CSS pixels): HR's menu stays one short header, and a manager's
list of people shows each person's status and due date without scrolling sideways."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from lms import clock
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import main_nav, sign_in
from tests.helpers import PASSWORD

PHONE = {"width": 375, "height": 740}
# The brand and the account links on one line, the menu on a second: about 82 px. Wrapped
# onto three lines and more, as it was, HR's header took 160 px.
MAX_HEADER_HEIGHT = 100
ESSENTIALS = "social-media-essentials"


def _box(locator: Locator) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not rendered"
    return box


def _within_the_screen(locator: Locator, clip: Locator | None = None) -> None:
    """Visible, inside the viewport's width, and not cut off by a scrolling container."""
    expect(locator).to_be_visible()
    box = _box(locator)
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    if clip is not None:
        outer = _box(clip)
        assert box["x"] >= outer["x"] - 0.5, (box, outer)
        assert box["x"] + box["width"] <= outer["x"] + outer["width"] + 0.5, (box, outer)


def _no_sideways_scrolling(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a {PHONE['width']} px phone"


def test_hrs_menu_fits_a_phone_in_a_short_header(page: Page, org) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, org["hr"].email, PASSWORD)
    page.wait_for_load_state("load")  # the stylesheet applied: on a busy machine it comes late
    nav = main_nav(page)
    height = _box(page.locator(".site-header"))["height"]
    assert height <= MAX_HEADER_HEIGHT, f"the header is {height} px tall on a phone"
    assert _box(nav)["height"] <= MAX_HEADER_HEIGHT
    _no_sideways_scrolling(page)
    # Every link can still be reached: the menu scrolls sideways within itself.
    for name in ("Home", "People", "Courses", "Assignments", "Reports", "Audit log", "Outbox"):
        link = nav.get_by_role("link", name=name, exact=True)
        link.scroll_into_view_if_needed()
        _within_the_screen(link, clip=nav.locator("ul"))
    _within_the_screen(nav.get_by_role("button", name="Sign out"))
    _within_the_screen(nav.get_by_role("link", name="Email settings"))
    assert_accessible(page)
    nav.get_by_role("link", name="Audit log", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Audit log")).to_be_visible()


@pytest.fixture
def team_with_dates(db, org, shipped_courses, enrol):
    """The lead's two reports with the essentials: one overdue, one due in two weeks."""
    overdue = enrol(org["staff"], shipped_courses[ESSENTIALS])
    overdue.due_at = clock.now() - timedelta(days=3)
    enrol(org["staff2"], shipped_courses[ESSENTIALS])
    db.commit()
    return org


def test_my_team_shows_status_and_due_date_on_a_phone(page: Page, team_with_dates) -> None:
    org = team_with_dates
    page.set_viewport_size(PHONE)
    sign_in(page, org["lead"].email, PASSWORD)
    main_nav(page).get_by_role("link", name="My team").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    _no_sideways_scrolling(page)
    records = page.locator("table.records")
    expect(records.locator("tbody tr")).to_have_count(2)
    for row in records.locator("tbody tr").all():
        for cell in ("name", "status", "due"):
            _within_the_screen(row.locator(f"td[data-label='{_label(cell)}']"), clip=records)
    overdue = records.locator("tbody tr", has_text="Sia Staff")
    expect(overdue.locator("td[data-label='Status']")).to_have_text("Overdue")
    expect(overdue.locator("td[data-label='Due']")).to_contain_text("27 Feb 2026")
    assert_accessible(page)


def _label(cell: str) -> str:
    return {"name": "Name", "status": "Status", "due": "Due"}[cell]
