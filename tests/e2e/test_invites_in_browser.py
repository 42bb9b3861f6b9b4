"""In the browser, without a mail server: HR invites a newcomer from their page and two more
from the people list, downloads the links as a file, and a newcomer's link sets a password."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from lms.people.models import Employee
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in, sign_out
from tests.helpers import PASSWORD


def test_hr_hands_out_invite_links_without_email(
    page: Page, org: dict[str, Employee], make_employee: Callable[..., Employee]
) -> None:
    nia = make_employee(first_name="Nia", last_name="New", password=None)
    noor = make_employee(first_name="Noor", last_name="Agent", password=None)
    sign_in(page, org["hr"].email, PASSWORD)

    page.goto(f"/people/{nia.id}")
    page.get_by_role("button", name="Create an invite link").click()
    expect(page.get_by_role("heading", level=1, name="Invite link for Nia New")).to_be_visible()
    nia_link = page.get_by_label("Invite link for Nia New").input_value()
    assert "/invite/" in nia_link
    assert_accessible(page)

    page.goto("/people/")
    page.get_by_label("Invite Nia New").check()
    page.get_by_label("Invite Noor Agent").check()
    assert_accessible(page)
    page.get_by_role("button", name="Invite the people ticked").click()
    expect(page.get_by_role("heading", level=1, name="Invite links for 2 people")).to_be_visible()
    shown = {
        name: page.get_by_label(f"Invite link for {name}").input_value()
        for name in ("Nia New", "Noor Agent")
    }
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download these links as a CSV file").click()
    assert download.value.suggested_filename.startswith("postwise-invite-links-")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["Name"]: row["Invite link"] for row in rows} == shown

    sign_out(page)
    page.goto(shown["Noor Agent"].removeprefix("http://postwise.test"))
    page.get_by_label("New password").fill("lantern-harbour-velvet-9")
    page.get_by_label("Type it again").fill("lantern-harbour-velvet-9")
    page.get_by_role("button", name="Save password and sign in").click()
    expect(page.get_by_text("Your password is set and you are signed in.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Hello, {noor.first_name}")).to_be_visible()
