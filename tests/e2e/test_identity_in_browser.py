"""In the browser: HR opens the sign-in and provisioning page, sees what is on, and narrows the
latest SCIM calls to the refused ones."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from lms.scim import tokens
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in
from tests.helpers import PASSWORD


@pytest.fixture
def scim_calls(db: Session) -> None:
    token = tokens.create_token(db, "Entra ID production", actor_id=None).token
    tokens.log_call(db, token.id, "POST", "/scim/v2/Users", 201, None)
    tokens.log_call(
        db, token.id, "PATCH", "/scim/v2/Users/7", 400, "manager E999 is not in Postwise"
    )
    db.commit()


def test_hr_sees_the_sources_and_the_scim_errors(page: Page, org, scim_calls) -> None:
    sign_in(page, org["hr"].email, PASSWORD)
    page.get_by_role("link", name="Sign-in settings").click()
    expect(page.get_by_role("heading", level=1, name="Sign-in and provisioning")).to_be_visible()
    expect(page.get_by_role("heading", name="OpenID Connect Off")).to_be_visible()
    expect(page.get_by_role("heading", name="SCIM provisioning On")).to_be_visible()
    expect(page.get_by_text("1 refused")).to_be_visible()
    expect(page.get_by_role("cell", name="201 OK")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Errors only").click()
    expect(page.get_by_role("cell", name="manager E999 is not in Postwise")).to_be_visible()
    expect(page.get_by_role("cell", name="Entra ID production")).to_be_visible()
    expect(page.get_by_role("cell", name="201 OK")).to_have_count(0)
    assert_accessible(page)
