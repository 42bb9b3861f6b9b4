"""In the browser: HR creates a SCIM token, sees it once, and revokes it after confirming."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in
from tests.helpers import PASSWORD


def test_hr_creates_a_token_sees_it_once_and_revokes_it(page: Page, org) -> None:
    sign_in(page, org["hr"].email, PASSWORD)
    page.get_by_role("link", name="Provisioning").click()
    expect(page.get_by_role("heading", level=1, name="SCIM provisioning")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Create a token").click()
    expect(page.get_by_text("Give the token a name")).to_be_visible()  # nothing made
    page.get_by_label("Name").fill("Entra ID production")
    page.get_by_role("button", name="Create a token").click()
    secret = page.locator("code.secret").inner_text()
    assert secret.startswith("pwscim_")
    assert_accessible(page)
    page.goto("/admin/scim")
    expect(page.locator("code.secret")).to_have_count(0)  # shown once only
    expect(page.get_by_role("cell", name="Entra ID production")).to_be_visible()
    page.get_by_role("button", name="Revoke").click()
    expect(
        page.get_by_role("heading", name="Revoke the token “Entra ID production”?")
    ).to_be_visible()
    page.get_by_role("button", name="Revoke the token").click()
    expect(page.get_by_text("The token “Entra ID production” is revoked.")).to_be_visible()
    expect(page.get_by_text("Revoked", exact=False).first).to_be_visible()
