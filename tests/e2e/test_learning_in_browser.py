"""In the browser: an employee takes an assigned course and acknowledges the guideline."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in
from tests.helpers import PASSWORD

COURSE_TITLE = "Social media essentials for professionals"


def test_employee_reads_a_lesson_marks_it_done_and_acknowledges_the_guideline(
    page: Page, org, shipped_courses, enrol
) -> None:
    for version in shipped_courses.values():
        enrol(org["staff"], version)
    sign_in(page, org["staff"].email, PASSWORD)
    assert_accessible(page)
    essentials = page.get_by_role("listitem").filter(has_text=COURSE_TITLE)
    expect(essentials.get_by_text("Not started")).to_be_visible()
    expect(essentials.get_by_text("0 of 9 lessons done")).to_be_visible()

    page.get_by_role("link", name=COURSE_TITLE).click()
    expect(page.get_by_role("heading", level=1, name=COURSE_TITLE)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Start with: Why professionals")).click()

    expect(
        page.get_by_role("heading", level=1, name="Why professionals are on social media")
    ).to_be_visible()
    expect(page.get_by_role("table")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_text("Lesson marked as done.")).to_be_visible()
    expect(
        page.get_by_role("heading", level=1, name="The five purposes of LinkedIn")
    ).to_be_visible()

    page.get_by_role("link", name=COURSE_TITLE).first.click()
    progress = page.get_by_role("progressbar", name=f"Progress in {COURSE_TITLE}")
    expect(progress).to_have_attribute("value", "1")
    expect(page.get_by_text("1 of 9 lessons done")).to_be_visible()
    expect(page.get_by_text("In progress")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Continue where you left off"))).to_be_visible()

    page.goto("/")
    page.get_by_role("link", name="Read and acknowledge the guideline").click()
    expect(page.get_by_role("heading", level=1, name="Our social media guideline")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="I have read version 1 and will follow it").click()
    expect(page.get_by_text("you acknowledged version 1 of the guideline")).to_be_visible()
    expect(page.get_by_text("Please read the social media guideline")).to_have_count(0)
    assert_accessible(page)


def test_lesson_pages_work_with_the_keyboard(page: Page, org, shipped_courses, enrol) -> None:
    enrol(org["staff"], shipped_courses["social-media-essentials"])
    sign_in(page, org["staff"].email, PASSWORD)
    page.goto("/courses/social-media-essentials/lessons/pitfalls")
    page.get_by_role("button", name="Mark as done").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Lesson marked as done.")).to_be_visible()
    page.goto("/catalogue")
    assert_accessible(page)
