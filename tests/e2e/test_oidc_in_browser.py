"""In a real browser: sign in through a real OpenID Provider's login page (npm
oidc-provider on loopback), land on My learning as the matched person, and sign out at the
provider too."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from lms import clock
from lms.people.models import Employee
from tests.e2e.conftest import assert_accessible
from tests.sso.oidc_provider import OidcProvider, oidc_provider

__all__ = ["oidc_provider"]


@pytest.fixture
def app(make_app: Callable[..., Flask], oidc_provider: OidcProvider) -> Iterator[Flask]:
    clock.freeze(datetime.now(UTC))  # the provider's tokens carry the real time
    yield make_app(**oidc_provider.app_settings())


def test_sign_in_through_the_providers_login_page_and_out_again(
    app: Flask, page: Page, live_server: str, make_employee: Callable[..., Employee]
) -> None:
    app.config["BASE_URL"] = live_server  # the callback the provider sends the browser to
    make_employee(first_name="Alice", email="alice@example.com")
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Sign in with Test IdP").click()
    page.locator("input[name=login]").fill("alice")
    page.locator("input[name=password]").fill("any-password")
    page.locator("button[type=submit]").click()
    expect(page.get_by_role("heading", name="My learning")).to_be_visible()
    expect(page.get_by_role("heading", name="Hello, Alice")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Yes, sign me out").click()  # the provider's own page
    expect(page.get_by_role("heading", name="Sign in to Postwise")).to_be_visible()
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in to Postwise")).to_be_visible()
    # Signed out at the provider too: the button asks for the login again.
    page.get_by_role("link", name="Sign in with Test IdP").click()
    expect(page.locator("input[name=login]")).to_be_visible()
