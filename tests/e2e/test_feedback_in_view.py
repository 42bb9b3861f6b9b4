"""In the browser: what a learner needs next is on screen, not somewhere up or down the page.

After "Check my answers" at the end of a long lesson, the page comes back at the feedback with
the focus on it; a failed quiz result offers "Try again" above the fold, and it works.
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.courses.models import Question
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_quiz_in_browser import SLUG, answer, drawn_questions
from tests.e2e.test_roles_in_browser import sign_in
from tests.helpers import PASSWORD

VIEWPORT = {"width": 1280, "height": 720}  # a laptop screen


def _in_viewport(page: Page, locator: Locator) -> bool:
    """Whether the element's top edge is within the window as it is scrolled now."""
    box = locator.bounding_box()  # relative to the viewport
    assert box is not None
    return 0 <= box["y"] < page.evaluate("() => window.innerHeight")


def test_checking_a_knowledge_check_lands_on_its_feedback(
    page: Page, db: Session, org, shipped_courses, enrol
) -> None:
    enrol(org["staff"], shipped_courses[SLUG])
    question = db.scalar(select(Question).where(Question.key == "check-pitfalls-angry"))
    assert question is not None
    wrong = next(choice for choice in question.choices if not choice.is_correct)
    wrong_text, wrong_feedback = wrong.text, wrong.feedback
    db.rollback()
    page.set_viewport_size(VIEWPORT)
    sign_in(page, org["staff"].email, PASSWORD)
    page.goto(f"/courses/{SLUG}/lessons/pitfalls")
    practice = page.locator("section.knowledge-check")
    assert not _in_viewport(page, practice)  # the lesson is long: the check starts off-screen

    practice.get_by_label(wrong_text, exact=True).check()
    practice.get_by_role("button", name="Check my answers").click()

    expect(page).to_have_url(re.compile(r"/lessons/pitfalls/check#check-feedback$"))
    feedback = page.get_by_role("region", name="You got 0 of 1 right")
    expect(feedback).to_be_visible()
    assert _in_viewport(page, feedback), "the feedback is off-screen after checking"
    expect(feedback).to_be_focused()  # so a screen reader starts reading here
    expect(feedback).to_contain_text("Change your answers and check again")
    chosen = practice.get_by_label(wrong_text, exact=True)
    expect(chosen).to_be_checked()  # the answers stay, to change and check again
    expect(practice.locator("p.feedback")).to_have_text(wrong_feedback or "")
    expect(practice.get_by_text("Not quite")).to_be_visible()
    assert_accessible(page)


def test_a_failed_result_offers_try_again_above_the_fold(
    page: Page, db: Session, org, shipped_courses, enrol
) -> None:
    employee = org["staff"]
    employee_id, email = employee.id, employee.email
    enrol(employee, shipped_courses[SLUG])
    db.commit()
    page.set_viewport_size(VIEWPORT)
    sign_in(page, email, PASSWORD)
    page.goto(f"/courses/{SLUG}/quiz/")
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("heading", level=1, name="Attempt 1")).to_be_visible()
    answer(page, drawn_questions(db, employee_id, 1), right=False)

    expect(page.locator("p.result")).to_contain_text("Not passed")
    again = page.get_by_role("button", name="Try again")
    expect(again).to_be_visible()
    assert page.evaluate("() => window.scrollY") == 0
    assert _in_viewport(page, again), "Try again is below the fold"
    expect(page.get_by_text("2 attempts left.")).to_be_visible()
    assert_accessible(page)

    again.click()
    expect(page.get_by_role("heading", level=1, name="Attempt 2")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/courses/{SLUG}/quiz/attempts/2$"))
    expect(page.get_by_role("group")).to_have_count(15)
