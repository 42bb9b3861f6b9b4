"""In a real browser: sign in through a real OpenID Provider's login page (npm
oidc-provider on loopback), land on My learning as the matched person, and sign out at the
provider too; with creation on, someone new is created and finds their assigned course."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from lms import clock
from lms.assignments.services import RuleSpec, create_rule
from lms.courses.models import CourseVersion
from lms.people.models import Employee
from tests.e2e.conftest import assert_accessible
from tests.sso.oidc_provider import OidcProvider, oidc_provider

__all__ = ["oidc_provider"]


# The provider is a Node process of its own: with two test runs beside it on two cores, its
# pages can take longer than the 5 s our own loopback pages are held to.
PROVIDER_TIMEOUT_MS = 20_000


@pytest.fixture(autouse=True)
def _patient_with_the_provider(page: Page) -> None:
    page.set_default_timeout(PROVIDER_TIMEOUT_MS)
    page.set_default_navigation_timeout(PROVIDER_TIMEOUT_MS)


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


def test_a_new_person_is_created_at_first_sign_in_with_their_course(
    app: Flask,
    page: Page,
    live_server: str,
    db: Session,
    shipped_courses: dict[str, CourseVersion],
) -> None:
    """Creation on (LMS_SSO_CREATE_PEOPLE): someone Postwise has never heard of signs in at
    the provider and finds the course an "everyone" rule assigns waiting on My learning."""
    # As lms.config leaves them for LMS_SSO_CREATE_PEOPLE=true, LMS_SSO_CREATE_DOMAINS=example.com
    app.config.update(BASE_URL=live_server, SSO_CREATE_PEOPLE=True)
    app.config["SSO_CREATE_DOMAINS"] = frozenset({"example.com"})
    create_rule(db, RuleSpec("social-media-essentials", "everyone", due_days=30), actor_id=None)
    db.commit()
    page.goto("/")
    page.get_by_role("link", name="Sign in with Test IdP").click()
    page.locator("input[name=login]").fill("newcomer")
    page.locator("input[name=password]").fill("any-password")
    page.locator("button[type=submit]").click()
    expect(page.get_by_role("heading", name="My learning")).to_be_visible()
    expect(page.get_by_role("heading", name="Hello, Nia")).to_be_visible()
    course = page.get_by_role("listitem").filter(has_text="Social media essentials")
    expect(course.get_by_text("Not started")).to_be_visible()
    assert_accessible(page)
