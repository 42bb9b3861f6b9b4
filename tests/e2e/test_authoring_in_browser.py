"""In the browser: an HR admin creates a course with two lessons and three questions,
previews a lesson, publishes it and assigns it to one department with a due date; an
employee of that department finds it on My learning and one of another department does not.
Every page passes the accessibility check."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from lms.courses.models import CourseVersion
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in, sign_out
from tests.helpers import PASSWORD, fresh

LESSONS = [
    (
        "Why we post",
        "why-social",
        "We post to **learn** and to share.\n\n## Try this\n\nFollow one expert.",
    ),
    ("Posting in anger", "pitfalls", "Wait a night before you reply.\n\n- Pause\n- Reread"),
]


def _add_lesson(page: Page, title: str, topic: str, body: str) -> None:
    page.get_by_role("link", name="Add a lesson").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Topic").select_option(topic)
    page.get_by_label("Lesson text (Markdown)").fill(body)
    page.get_by_role("button", name="Save lesson").click()
    expect(page.get_by_text(f"Lesson “{title}” added.")).to_be_visible()


def _add_question(page: Page, prompt: str, right: str, wrong: str) -> None:
    page.get_by_role("link", name="Add a question").click()
    page.get_by_label("Question", exact=True).fill(prompt)
    page.get_by_label("Choice 1", exact=True).fill(right)
    page.get_by_label("Choice 1 is correct").check()
    page.get_by_label("Feedback for choice 1").fill("Yes, that is it.")
    page.get_by_label("Choice 2", exact=True).fill(wrong)
    page.get_by_label("Explanation").fill(f"{right} is the professional choice.")
    page.get_by_role("button", name="Save question").click()
    expect(page.get_by_text("added.")).to_be_visible()


def test_hr_creates_publishes_and_assigns_a_course(page: Page, db, org) -> None:
    sign_in(page, org["hr"].email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Courses").click()
    expect(page.get_by_role("heading", level=1, name="Courses")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="New course").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Posting with care")
    page.get_by_label("Summary").fill("Small habits that keep your posts professional.")
    page.get_by_label("Minutes to complete").fill("20")
    page.get_by_role("button", name="Create the draft").click()
    expect(page.get_by_role("heading", level=1, name="Posting with care")).to_be_visible()
    expect(page.get_by_text("Before you can publish")).to_be_visible()
    assert_accessible(page)

    # Preview first: the lesson as learners will see it, and nothing saved yet.
    page.get_by_role("link", name="Add a lesson").click()
    page.get_by_label("Title").fill(LESSONS[0][0])
    page.get_by_label("Lesson text (Markdown)").fill(LESSONS[0][2])
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#lesson-preview")
    expect(preview.get_by_role("heading", name="Try this")).to_be_visible()
    expect(preview.locator("strong")).to_have_text("learn")
    assert_accessible(page)
    page.get_by_label("Topic").select_option(LESSONS[0][1])
    page.get_by_role("button", name="Save lesson").click()
    expect(page.get_by_text(f"Lesson “{LESSONS[0][0]}” added.")).to_be_visible()
    _add_lesson(page, *LESSONS[1])

    _add_question(page, "Why do professionals post?", "To learn and share", "To argue")
    assert_accessible(page)
    _add_question(page, "What do you do when angry?", "Wait a night", "Reply at once")
    _add_question(page, "Whose ideas do you critique?", "Ideas, not people", "The speaker")
    expect(page.get_by_text("Before you can publish")).to_have_count(0)

    page.get_by_role("link", name="Review and publish").click()
    expect(page.get_by_role("heading", level=1, name="Publish version 1")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What changed").fill("First version")
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.get_by_text("Version 1 is published.")).to_be_visible()
    expect(page.get_by_role("button", name="Edit")).to_be_visible()
    assert_accessible(page)

    version = db.scalars(select(CourseVersion)).one()
    published = fresh(db, CourseVersion, version.id)
    assert (published.status, published.change_note) == ("published", "First version")
    assert [lesson.title for lesson in published.lessons] == [LESSONS[0][0], LESSONS[1][0]]
    assert len(published.questions) == 3

    # Assign it to Sales, due in 14 days (the clock is fixed at 2 March 2026).
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Assignments").click()
    page.get_by_role("link", name="New rule").click()
    page.get_by_label("Course").select_option(label="Posting with care")
    page.get_by_label("Who gets it").select_option(label="One or more departments")
    page.get_by_label("Departments").select_option(["Sales"])
    page.get_by_label("Due in (days)").fill("14")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(re.compile(r"Rule saved: .*created 1 enrollment"))).to_be_visible()
    sign_out(page)

    sign_in(page, org["outsider"].email, PASSWORD)  # Sales
    course = page.get_by_role("listitem").filter(has_text="Posting with care")
    expect(course.get_by_text("Not started")).to_be_visible()
    expect(course.get_by_text("Due 16 March 2026")).to_be_visible()
    course.get_by_role("link", name="Posting with care").click()
    expect(page.get_by_role("link", name=LESSONS[0][0], exact=True)).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    sign_in(page, org["staff"].email, PASSWORD)  # Marketing
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("Posting with care")).to_have_count(0)
