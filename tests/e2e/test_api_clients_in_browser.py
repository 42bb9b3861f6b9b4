"""In the browser: HR creates an API client, sees its secret once, the secret gets a token,
and HR revokes the client after confirming."""

from __future__ import annotations

import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in
from tests.helpers import PASSWORD


def test_hr_creates_a_client_sees_the_secret_once_and_revokes_it(
    page: Page, org, live_server
) -> None:
    sign_in(page, org["hr"].email, PASSWORD)
    page.get_by_role("link", name="API", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="API clients")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Create a client").click()
    expect(page.get_by_text("Give the client a name")).to_be_visible()  # nothing made
    page.get_by_label("Name").fill("Power BI")
    page.get_by_label("Permissions").select_option(["read:completions"])
    page.get_by_label("Only this manager's line").fill(org["lead"].email)
    page.get_by_role("button", name="Create a client").click()
    secret = page.locator("code.secret").inner_text()
    assert secret.startswith("pwapi_secret_")
    client_id = page.locator("p", has_text="Client id:").locator("code").inner_text()
    assert_accessible(page)
    token = requests.post(
        f"{live_server}/api/v1/token",
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret),
        timeout=10,
    )
    assert token.status_code == 200
    page.goto("/admin/api-clients")
    expect(page.locator("code.secret")).to_have_count(0)  # shown once only
    expect(page.get_by_role("cell", name=f"The line of {org['lead'].email}")).to_be_visible()
    expect(page.get_by_text("POST /api/v1/token")).to_be_visible()
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("heading", name="Revoke the API client “Power BI”?")).to_be_visible()
    page.get_by_role("button", name="Revoke the client").click()
    expect(page.get_by_text("The API client “Power BI” is revoked.")).to_be_visible()
