"""In the browser: an employee checks a draft post from My learning and follows a finding to
its lesson; takes the purpose self-assessment from its lesson; HR adds a codename."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from lms import clock
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in
from tests.helpers import PASSWORD

DRAFT = (
    "Huge news, still confidential: our client Globex signed a $2m contract today!! "
    "Call me on +1 415 555 0132 if you want the details."
)


def test_an_employee_checks_a_draft_and_opens_the_lesson_of_a_finding(
    page: Page, org, shipped_courses, enrol
) -> None:
    for version in shipped_courses.values():
        enrol(org["staff"], version)
    sign_in(page, org["staff"].email, PASSWORD)
    page.get_by_role("link", name="Check a draft post before you publish it").click()
    expect(page.get_by_role("heading", level=1, name="Post pre-check")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your draft post").fill(DRAFT)
    page.get_by_role("button", name="Check my draft").click()

    expect(page.get_by_role("heading", name="3 likely problems")).to_be_visible()
    findings = page.locator(".finding-list > li")
    expect(findings.nth(0)).to_contain_text("Do not post")
    expect(findings.nth(0)).to_contain_text("Confidential or internal information")
    expect(page.locator(".draft-preview mark")).to_have_count(3)
    expect(page.locator(".draft-preview mark").first).to_have_text("confidential")
    expect(page.get_by_label("Your draft post")).to_have_value(DRAFT)  # kept for editing
    assert_accessible(page)

    page.get_by_role("link", name="Protect other people's privacy").click()
    expect(
        page.get_by_role("heading", level=1, name="Protect other people's privacy")
    ).to_be_visible()
    page.get_by_role("link", name="check a draft post of your own").click()
    expect(page.get_by_role("heading", level=1, name="Post pre-check")).to_be_visible()


def test_an_employee_saves_a_draft_to_their_practice_history(
    page: Page, org, shipped_courses
) -> None:
    sign_in(page, org["staff"].email, PASSWORD)
    page.goto("/practice/precheck")
    page.get_by_label("Your draft post").fill("So proud of what the team shipped this week.")
    page.get_by_role("button", name="Check and save to my practice history").click()
    expect(page.get_by_text("Saved to your practice history. Only you can see it.")).to_be_visible()
    expect(page.get_by_role("heading", name="No likely problems found")).to_be_visible()
    page.get_by_role("link", name="My practice history").click()
    expect(page.get_by_text("So proud of what the team shipped this week.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Delete the draft saved")).click()
    heading = page.get_by_role("heading", level=1, name=re.compile("Delete the draft you saved on"))
    expect(heading).to_be_visible()
    expect(page.get_by_text("It cannot be brought back.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Delete the draft").click()
    expect(page.get_by_text("You have not saved any drafts yet.")).to_be_visible()


def test_an_employee_splits_ten_points_and_gets_a_profile(
    page: Page, org, shipped_courses, enrol
) -> None:
    for version in shipped_courses.values():
        enrol(org["staff"], version)
    sign_in(page, org["staff"].email, PASSWORD)
    page.goto("/courses/social-media-essentials/lessons/five-purposes")
    page.get_by_role("link", name="share your own 10 points").click()
    expect(page.get_by_role("heading", level=1, name="Your purpose on LinkedIn")).to_be_visible()
    assert_accessible(page)
    for label, points in (("Business driven", "3"), ("Community spirit", "2"),
                          ("Learning sponge", "4")):  # fmt: skip
        page.get_by_label(label).fill(points)
    page.get_by_role("button", name="See my profile").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Your points add up to 9: share exactly 10 between the five purposes (add 1)."
    )
    page.get_by_label("Job seeking").fill("1")
    page.get_by_role("button", name="See my profile").click()
    expect(page.get_by_text("Your purposes are saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Learning sponge: 4 of 10")).to_be_visible()
    expect(page.get_by_role("heading", name="Business driven: 3 of 10")).to_be_visible()
    expect(page.get_by_role("link", name="A few minutes a day")).to_be_visible()
    assert_accessible(page)


def test_hr_adds_a_codename_and_the_next_check_catches_it(page: Page, org) -> None:
    sign_in(page, org["hr"].email, PASSWORD)
    page.get_by_role("link", name="Tell the post pre-check about the company").click()
    expect(page.get_by_role("heading", level=1, name="Pre-check settings")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Internal codenames").fill("Kestrel")
    page.get_by_label("Default phone region").fill("GB")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Saved: every check from now on uses these settings.")).to_be_visible()
    page.goto("/practice/precheck")
    page.get_by_label("Your draft post").fill("The Kestrel beta starts on Monday.")
    page.get_by_role("button", name="Check my draft").click()
    expect(page.locator(".draft-preview mark")).to_have_text("Kestrel")


def test_hr_downloads_the_settings_and_a_bad_upload_names_its_lines(
    page: Page, org, tmp_path
) -> None:
    sign_in(page, org["hr"].email, PASSWORD)
    page.goto("/admin/precheck")
    with page.expect_download() as download:
        page.get_by_role("link", name="download these settings as YAML").click()
    assert download.value.suggested_filename == "postwise-precheck-settings.yaml"
    saved = tmp_path / "settings.yaml"
    download.value.save_as(saved)
    assert "employer_names: []" in saved.read_text()
    broken = tmp_path / "broken.yaml"
    broken.write_text("industry: retail\ncodenames: Osprey\n")
    page.get_by_label("Settings file (YAML)").set_input_files(str(broken))
    page.get_by_role("button", name="Upload and replace").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("broken.yaml:1: industry: 'retail' is not one of general")
    expect(alert).to_contain_text("broken.yaml:2: codenames: must be a list")
    assert_accessible(page)


def test_hr_sees_purposes_by_department_only_for_groups_of_five(
    page: Page, db, org, make_employee
) -> None:
    from lms.purpose.services import record

    for _ in range(5):
        person = make_employee(department="Sales")
        record(db, person.id, {"business": 7, "community": 1, "learning": 2, "job_seeking": 0,
                               "vanity": 0})  # fmt: skip
    loner = make_employee(department="Legal")  # a department of one: never shown
    record(db, loner.id, {"business": 0, "community": 0, "learning": 0, "job_seeking": 10,
                          "vanity": 0})  # fmt: skip
    db.commit()
    clock.advance(timedelta(days=31))  # the quarter closes: HR may publish its figures
    sign_in(page, org["hr"].email, PASSWORD)
    page.get_by_role("link", name="See why people use LinkedIn, by department").click()
    expect(page.get_by_role("heading", level=1, name="Purposes by department")).to_be_visible()
    page.get_by_role("button", name="Publish the figures for January to March 2026").click()
    expect(page.get_by_text("The figures for January to March 2026 are published")).to_be_visible()
    sales = page.get_by_role("row", name=re.compile("^Sales"))
    expect(sales).to_contain_text("7.0")
    expect(page.get_by_text("1 department has no row of its own")).to_be_visible()
    assert_accessible(page)
