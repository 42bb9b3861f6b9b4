"""In the browser: a person switches Postwise to German at the foot of the page, the whole
frame follows (and stays accessible), and "As my browser asks" brings English back."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in
from tests.helpers import PASSWORD


def test_a_person_chooses_german_and_goes_back_to_the_browser_language(page: Page, org) -> None:
    sign_in(page, org["staff"].email, PASSWORD)
    page.goto("/no-such-page")
    page.get_by_label("Language").select_option("de")
    page.get_by_role("button", name="Change language").click()
    expect(page.get_by_text("Sprache von Postwise: Deutsch.")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(
        page.get_by_role("heading", level=1, name="Diese Seite haben wir nicht gefunden")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Startseite", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Sprache").select_option("")
    page.get_by_role("button", name="Sprache ändern").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")  # Playwright's browser asks en
    expect(page.get_by_text("Postwise now follows your browser's language.")).to_be_visible()
    expect(page.get_by_role("link", name="Home", exact=True)).to_be_visible()
