"""In the browser: an HR admin finds an action in the audit log and filters it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from lms.audit.services import record
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in
from tests.helpers import PASSWORD


def test_hr_admin_browses_and_filters_the_audit_log(page: Page, db, org) -> None:
    record(db, "role.granted", "employee T0002 (person2@example.com)", actor_id=org["hr"].id)
    record(db, "people.imported", "HRIS file of 3 people", actor_id=None, after="created 3")
    db.commit()
    sign_in(page, org["hr"].email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1, name="Audit log")).to_be_visible()
    expect(page.get_by_text("2 entries found")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Action").select_option("people.imported")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("1 entry found")).to_be_visible()
    expect(page.get_by_role("cell", name="HRIS file of 3 people")).to_be_visible()
    assert_accessible(page)
