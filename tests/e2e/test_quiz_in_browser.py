"""In the browser: an employee fails the final quiz, passes it on the second attempt, then
downloads the certificate and anyone can verify it."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Locator, Page, expect
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.courses.models import Choice, Question
from lms.learning import guideline
from lms.learning.certificates import certificate_for
from lms.learning.models import AttemptQuestion, Enrollment, QuizAttempt
from lms.learning.services import course_view, mark_lesson_done
from tests.e2e.conftest import TIMEOUT_MS, assert_accessible
from tests.e2e.test_roles_in_browser import sign_in
from tests.helpers import PASSWORD

SLUG = "social-media-essentials"
COURSE_TITLE = "Social media essentials for professionals"
COMPLETED_ON = "2 March 2026"  # the frozen clock of tests/conftest.py


def _words(text: str) -> str:
    """Text as the browser's accessibility tree names it: whitespace collapsed."""
    return " ".join(text.split())


@dataclass(frozen=True)
class DrawnQuestion:
    """One question of an attempt as the database knows it (the page never tells)."""

    position: int
    prompt: str
    multiple: bool
    right: list[str]  # label texts of the correct choices
    wrong: list[str]  # label texts of the others
    feedback: dict[str, str]  # label text -> feedback shown when that choice is selected


def drawn_questions(db: Session, employee_id: int, number: int) -> list[DrawnQuestion]:
    """The questions drawn for this person's attempt `number`, in page order."""
    db.rollback()  # see what the server committed
    attempt = db.scalars(
        select(QuizAttempt)
        .join(Enrollment, QuizAttempt.enrollment_id == Enrollment.id)
        .where(Enrollment.employee_id == employee_id, QuizAttempt.number == number)
    ).one()
    found = []
    for drawn in db.scalars(
        select(AttemptQuestion)
        .where(AttemptQuestion.attempt_id == attempt.id)
        .order_by(AttemptQuestion.position)
    ):
        question = db.get_one(Question, drawn.question_id)
        choices = db.scalars(select(Choice).where(Choice.question_id == question.id)).all()
        found.append(
            DrawnQuestion(
                position=drawn.position,
                prompt=_words(question.prompt),
                multiple=question.kind == "multiple",
                right=[_words(c.text) for c in choices if c.is_correct],
                wrong=[_words(c.text) for c in choices if not c.is_correct],
                feedback={_words(c.text): _words(c.feedback) for c in choices if c.feedback},
            )
        )
    db.rollback()  # hold no transaction open while the server writes
    return found


def _numbered(question: DrawnQuestion) -> re.Pattern[str]:
    return re.compile(rf"^{question.position}\. {re.escape(question.prompt)}")


def answer(page: Page, questions: list[DrawnQuestion], *, right: bool) -> None:
    """Tick choices by their label, question by question: all right, or one wrong each."""
    for question in questions:
        group = page.get_by_role("group", name=_numbered(question))
        for text in question.right if right else question.wrong[:1]:
            group.get_by_label(text, exact=True).check()
    page.get_by_role("button", name="Submit answers").click()


def result_section(page: Page, question: DrawnQuestion) -> Locator:
    return page.get_by_role("region", name=_numbered(question))


def test_employee_fails_then_passes_the_quiz_and_gets_a_verifiable_certificate(
    page: Page, browser: Browser, live_server: str, db: Session, org, shipped_courses, enrol
) -> None:
    employee = org["staff"]
    employee_id, email, name = employee.id, employee.email, employee.name
    enrol(employee, shipped_courses[SLUG])
    for lesson in course_view(db, employee_id, SLUG).lessons:
        mark_lesson_done(db, employee_id, SLUG, lesson.slug)
    status = guideline.guideline_status(db, employee_id)
    assert status is not None
    guideline.acknowledge(db, employee_id, status.current, "127.0.0.1")
    db.commit()

    sign_in(page, email, PASSWORD)
    page.get_by_role("link", name=COURSE_TITLE).click()
    expect(page.get_by_text("9 of 9 lessons done")).to_be_visible()
    page.get_by_role("link", name="Final quiz", exact=True).click()

    # ------------------------------------------------ the overview, then a failed attempt
    expect(page.get_by_role("heading", level=1, name="Final quiz")).to_be_visible()
    expect(page.get_by_text("15 questions; you pass with 80% or more.")).to_be_visible()
    expect(page.get_by_text("You have 3 attempts; 3 left.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Start the quiz").click()

    expect(page.get_by_role("heading", level=1, name="Attempt 1")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/courses/{SLUG}/quiz/attempts/1$"))
    first = drawn_questions(db, employee_id, 1)
    assert len(first) == 15
    expect(page.get_by_role("group")).to_have_count(15)
    assert_accessible(page)
    answer(page, first, right=False)

    result = page.locator("p.result")
    expect(result.get_by_text("Not passed")).to_be_visible()
    expect(result).to_contain_text("You scored 0%; the pass mark is 80%.")
    expect(page.get_by_text("You passed with")).to_have_count(0)
    # The answers show only after passing: a failed result says nothing question by question
    # (on a true/false question, "Not correct" next to the choice picked is the answer).
    expect(page.get_by_role("heading", level=2, name="Lessons to revisit")).to_be_visible()
    for hidden in ("Why:", "Not correct", "Your answer", "Right answer"):
        expect(page.get_by_text(hidden, exact=True)).to_have_count(0)
    expect(page.locator(".feedback, .question")).to_have_count(0)
    for question in first:
        expect(result_section(page, question)).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Back to the quiz").click()
    expect(page.get_by_text("You have 3 attempts; 2 left.")).to_be_visible()
    first_row = page.get_by_role("row").filter(has=page.get_by_role("cell", name="1", exact=True))
    expect(first_row).to_contain_text("Not passed 0%")
    expect(first_row.get_by_role("link", name="See feedback for attempt 1")).to_be_visible()
    page.get_by_role("button", name="Try again").click()

    # ------------------------------------------------ the second attempt passes
    expect(page.get_by_role("heading", level=1, name="Attempt 2")).to_be_visible()
    second = drawn_questions(db, employee_id, 2)
    answer(page, second, right=True)

    expect(page.get_by_role("status")).to_have_text("You passed with 100%.")
    result = page.locator("p.result")
    expect(result.get_by_text("Passed", exact=True)).to_be_visible()
    expect(result).to_contain_text("You scored 100%; the pass mark is 80%.")
    expect(page.get_by_text("Correct", exact=True)).to_have_count(15)
    expect(page.get_by_text("Right answer", exact=True)).to_have_count(
        sum(len(question.right) for question in second)
    )
    for question in second:  # having passed, the page explains each answer
        section = result_section(page, question)
        for chosen in question.right:
            item = section.locator("li", has_text=chosen)
            expect(item).to_contain_text("Your answer")
            if chosen in question.feedback:
                expect(item.locator(".feedback")).to_have_text(question.feedback[chosen])
    assert_accessible(page)

    # ------------------------------------------------ My learning and the certificate
    page.get_by_role("link", name="Home").click()
    card = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", level=3, name=COURSE_TITLE)
    )
    expect(card.get_by_text("Completed", exact=True)).to_be_visible()
    expect(card).to_contain_text(f"Completed {COMPLETED_ON} with 100%")
    assert_accessible(page)

    db.rollback()
    certificate = certificate_for(db, employee_id, SLUG)
    db.rollback()
    assert certificate is not None
    assert certificate.score == 100

    with page.expect_download(timeout=TIMEOUT_MS) as download_info:
        card.get_by_role("link", name=re.compile("^Download your certificate")).click()
    download = download_info.value
    assert download.suggested_filename == f"certificate-{SLUG}.pdf"
    with open(download.path(), "rb") as pdf_file:
        data = pdf_file.read()
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for expected in (
        "Certificate of completion",
        name,
        COURSE_TITLE,
        "version 1",
        f"Completed on {COMPLETED_ON}",
        "Score: 100%",
        f"Verification code: {certificate.code}",
    ):
        assert expected in text, f"{expected!r} not in the certificate:\n{text}"
    printed = re.search(r"Check this certificate at (\S+)", text)
    assert printed, text
    verify_url = urlsplit(printed.group(1))
    assert f"{verify_url.scheme}://{verify_url.netloc}" == "http://postwise.test"
    assert verify_url.path == f"/verify/{certificate.code}"

    # ------------------------------------------------ anyone with the code can verify it
    def shows_the_completion(verify_page: Page) -> None:
        verify_page.goto(verify_url.path)
        expect(
            verify_page.get_by_role("heading", level=1, name="This certificate is genuine")
        ).to_be_visible()
        expect(verify_page.get_by_text("Verified", exact=True)).to_be_visible()
        expect(verify_page.locator("p.lead")).to_have_text(
            f"{name} completed the course {COURSE_TITLE} on {COMPLETED_ON}."
        )
        assert_accessible(verify_page)

    shows_the_completion(page)
    stranger = browser.new_context(base_url=live_server, color_scheme="light")
    stranger.set_default_timeout(TIMEOUT_MS)
    try:
        signed_out = stranger.new_page()
        shows_the_completion(signed_out)
        expect(signed_out.get_by_role("button", name="Sign out")).to_have_count(0)
    finally:
        stranger.close()
