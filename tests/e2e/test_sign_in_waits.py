"""In real browsers: wrong passwords typed elsewhere make a stranger's browser wait and say
why, while the browser the person signed in with before still gets in."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Browser, Page, expect

from lms.people.models import Employee
from tests.e2e.conftest import assert_accessible
from tests.helpers import PASSWORD


def _sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_an_attackers_browser_waits_and_the_persons_known_browser_signs_in(
    page: Page, browser: Browser, live_server: str, make_employee: Callable[..., Employee]
) -> None:
    person = make_employee(first_name="Hana", is_hr_admin=True)
    _sign_in(page, person.email, PASSWORD)
    expect(page.get_by_role("heading", name="Hello, Hana")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()

    attacker_context = browser.new_context(base_url=live_server)
    try:
        attacker = attacker_context.new_page()
        for _ in range(6):
            _sign_in(attacker, person.email, "not-the-right-password")
        alert = attacker.get_by_role("alert")
        expect(alert).to_contain_text("Too many wrong passwords have been typed for this account")
        expect(alert).to_contain_text("Try again in 1 minute")
        assert_accessible(attacker)
        _sign_in(attacker, person.email, PASSWORD)  # even the right password waits there
        expect(attacker.get_by_role("alert")).to_contain_text("Try again in 1 minute")
    finally:
        attacker_context.close()

    _sign_in(page, person.email, PASSWORD)
    expect(page.get_by_role("heading", name="Hello, Hana")).to_be_visible()
