"""Stored XSS, in a real browser: names, departments and titles from an HRIS import, course
and lesson titles, lesson Markdown, quiz text, an exemption reason, pre-check settings and
drafts, audit details and outbox subjects all carry classic payloads (tests/e2e/
stored_payloads.py), and every page that shows them, as every role that sees them, shows
them as text or sanitised: no dialog opens, no script runs, no handler or `javascript:` URL
reaches the DOM. The CSV exports start formula cells with an apostrophe.

The CSP would block an inline script that escaping let through, so the pages are also
watched for CSP violations and searched for inline scripts and on* attributes: a payload
that became markup is caught even though it could not run.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pytest
from flask.testing import FlaskCliRunner
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from lms.learning.certificates import certificate_for
from lms.people.passwords import hash_password
from lms.spreadsheet import FORMULA_STARTS
from tests.e2e import stored_payloads as p
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in
from tests.helpers import PASSWORD

# Runs before any page script: remembers every CSP violation, which is what an injected
# inline script or handler that the escaping let through would cause.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""
# Everything in the DOM that only injected markup would put there.
FIND_INJECTED = """() => {
  const found = [];
  for (const el of document.querySelectorAll('[href^="javascript" i],[src^="javascript" i]'))
    found.push(`javascript: URL on ${el.outerHTML.slice(0, 120)}`);
  for (const el of document.querySelectorAll("script:not([src]), iframe, object, embed, frame"))
    found.push(`element ${el.outerHTML.slice(0, 120)}`);
  for (const el of document.querySelectorAll("script[src]")) {
    const source = new URL(el.src);
    if (source.origin !== location.origin || !source.pathname.startsWith("/static/"))
      found.push(`script from ${el.src}`);
  }
  for (const el of document.querySelectorAll("*"))
    for (const attribute of el.attributes)
      if (attribute.name.toLowerCase().startsWith("on"))
        found.push(`handler ${attribute.name} on <${el.localName}>`);
  return found;
}"""


@dataclass
class Watch:
    """What a page did that it must not: dialogs it opened, and the pages checked so far."""

    dialogs: list[str]
    checked: int = 0


@pytest.fixture
def watch(page: Page) -> Watch:
    """Record every dialog (and dismiss it) and every CSP violation, on every page."""
    seen = Watch(dialogs=[])
    page.context.add_init_script(WATCH_CSP)
    page.on("dialog", lambda dialog: (seen.dialogs.append(dialog.message), dialog.dismiss()))
    return seen


_password_hash = functools.cache(hash_password)  # argon2 is slow on purpose: once per run


@pytest.fixture
def stored(db: Session, runner: FlaskCliRunner) -> p.StoredIds:
    """The payloads in this test's database, everyone signing in with PASSWORD."""
    return p.store_payloads(db, runner, _password_hash(PASSWORD))


def page_text(page: Page) -> str:
    """The page's text nodes and form fields' values, spaces collapsed: a payload found here
    was shown as text, not turned into markup (closed <details> and chart labels count)."""
    text = page.evaluate(
        """() => [document.body.textContent,
                  ...[...document.querySelectorAll("input, textarea")].map((f) => f.value)]
                 .join("\\n")"""
    )
    return " ".join(text.split())


def assert_inert(page: Page, watch: Watch, shown: Iterable[str] = ()) -> None:
    """Nothing ran or was injected, and each of `shown` is on the page as text."""
    where = page.url
    assert watch.dialogs == [], f"{where}: dialogs opened: {watch.dialogs}"
    assert page.evaluate("() => window.__xss") is None, f"{where}: a payload ran"
    assert page.evaluate("() => window.__cspViolations") == [], f"{where}: CSP violations"
    assert page.evaluate(FIND_INJECTED) == [], f"{where}: markup from data in the DOM"
    text = page_text(page)
    missing = [s for s in shown if " ".join(s.split()) not in text]
    assert missing == [], f"{where}: not shown as text: {missing}"
    watch.checked += 1


def visit(page: Page, watch: Watch, path: str, shown: Iterable[str] = ()) -> None:
    """Open a page (it must answer 200) and check it."""
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: {response}"
    assert_inert(page, watch, shown)


def csv_rows(page: Page, path: str) -> list[list[str]]:
    """A CSV export fetched with the signed-in browser's cookies."""
    response = page.request.get(path)
    assert response.ok, f"{path}: {response.status}"
    return list(csv.reader(io.StringIO(response.text().lstrip("\ufeff"))))


def assert_no_formulas(rows: list[list[str]], expected: Iterable[str]) -> None:
    """No cell starts as a formula, and each expected payload is there behind an apostrophe."""
    cells = [cell for row in rows[1:] for cell in row]
    assert [c for c in cells if c.startswith(FORMULA_STARTS)] == []
    for payload in expected:
        assert any(cell.startswith("'" + payload) for cell in cells), (payload, rows)


COURSE = f"/courses/{p.SLUG}"
ADMIN = f"/admin/courses/{p.SLUG}"


# ---------------------------------------------------------------- the employee


def test_the_employee_sees_their_payloads_as_text(
    page: Page, watch: Watch, stored: p.StoredIds, db: Session
) -> None:
    sign_in(page, p.EMPLOYEE.email, PASSWORD)
    assert_inert(page, watch, [p.EMPLOYEE.first_name, p.COURSE_TITLE])  # My learning
    visit(page, watch, "/catalogue")
    visit(page, watch, COURSE, [p.COURSE_TITLE, p.SUMMARY, p.LESSON_TITLE, p.RAW_LESSON_TITLE])

    visit(page, watch, f"{COURSE}/lessons/{p.LESSON_SLUG}", [p.LESSON_TITLE, *p.MARKUP])
    lesson = page.locator("article.lesson")
    expect(lesson.get_by_role("link", name="A safe link")).to_have_attribute("title", p.ATTRIBUTE)
    expect(lesson.locator("img")).to_have_attribute("alt", '" onerror="window.__xss=1')
    practice = page.locator("section.knowledge-check")
    expect(practice.get_by_text(p.CHECK_PROMPT)).to_be_visible()
    practice.get_by_label(p.RIGHT).check()
    practice.get_by_role("button", name="Check my answers").click()
    expect(page.locator("p.feedback")).to_have_text(p.FEEDBACK)
    assert_inert(page, watch, [p.CHECK_PROMPT, p.POST, p.RIGHT, p.WRONG, p.EXPLANATION])
    assert_accessible(page)

    # The stored raw HTML is cleaned on the way out: its links lose their javascript: target.
    visit(page, watch, f"{COURSE}/lessons/{p.RAW_LESSON_SLUG}", [p.TEMPLATE])
    lesson = page.locator("article.lesson")
    expect(lesson.locator("a", has_text="click me")).not_to_have_attribute("href", re.compile(""))
    expect(lesson.locator("a", has_text="x")).to_have_count(1)
    expect(lesson.locator("img")).to_have_count(2)  # the two pictures, without their sources
    expect(lesson.locator("img[src], svg")).to_have_count(0)
    # No accessibility check here: an <img> from raw HTML has no alt, which Markdown always has.

    visit(page, watch, f"{COURSE}/quiz/", [p.COURSE_TITLE])
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("heading", level=1, name="Attempt 1")).to_be_visible()
    assert_inert(page, watch, [p.PROMPT, p.POST, p.RIGHT, p.WRONG])
    page.get_by_label(p.RIGHT).check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("status")).to_have_text("You passed with 100%.")
    assert_inert(page, watch, p.QUIZ_TEXTS)
    assert_accessible(page)

    visit(page, watch, "/", [p.COURSE_TITLE])  # completed, with its certificate link
    db.rollback()
    certificate = certificate_for(db, stored.employee, p.SLUG)
    db.rollback()
    assert certificate is not None
    visit(page, watch, f"/verify/{certificate.code}", [p.EMPLOYEE.name, p.COURSE_TITLE])

    # A practice draft holding every payload, split around the codename the pre-check marks.
    draft = " ".join(p.MARKUP)
    visit(page, watch, "/practice/precheck")
    page.get_by_label("Your draft post").fill(draft)
    page.get_by_role("button", name="Check and save to my practice history").click()
    expect(page.locator(".draft-preview mark").first).to_have_text(p.CODENAME)
    assert_inert(page, watch, [draft])
    visit(page, watch, "/practice/drafts", [draft])


# ---------------------------------------------------------------- the manager


def test_the_manager_sees_their_team_as_text_and_gets_neutral_csv(
    page: Page, watch: Watch, stored: p.StoredIds
) -> None:
    team = (p.EMPLOYEE, p.SPREADSHEET)
    sign_in(page, p.MANAGER.email, PASSWORD)
    assert_inert(page, watch, [p.MANAGER.first_name])
    visit(page, watch, "/reports/team", [p.COURSE_TITLE, *(person.name for person in team)])
    visit(page, watch, "/people/", [t for person in team for t in person.texts[:3]])
    visit(page, watch, f"/people/{stored.employee}", [*p.EMPLOYEE.texts, p.MANAGER.name])
    visit(page, watch, f"/people/{stored.manager}", [*p.MANAGER.texts, p.EMPLOYEE.name])

    rows = csv_rows(page, "/reports/completions.csv")
    assert len(rows) == 1 + len(team)
    assert_no_formulas(rows, [p.FORMULA_AT, p.FORMULA_PLUS, p.FORMULA_MINUS])
    assert [p.EMPLOYEE.hris_id, p.EMPLOYEE.name, p.EMPLOYEE.email] in [r[:3] for r in rows]


# ---------------------------------------------------------------- HR


def test_hr_sees_people_reports_audit_and_outbox_as_text(
    page: Page, watch: Watch, stored: p.StoredIds
) -> None:
    sign_in(page, p.HR.email, PASSWORD)
    assert_inert(page, watch, [p.HR.name])
    everyone = [t for person in p.PEOPLE for t in person.texts[:3]]
    visit(page, watch, "/people/", everyone)
    page.get_by_label("Department").select_option(label=p.EMPLOYEE.department)
    page.get_by_role("button", name="Filter").click()
    assert_inert(page, watch, [p.EMPLOYEE.name])
    visit(page, watch, f"/people/{stored.employee}", [*p.EMPLOYEE.texts, p.COURSE_TITLE])
    visit(page, watch, f"/people/{stored.manager}", [*p.MANAGER.texts, p.EXEMPTION_REASON])
    assert_accessible(page)

    # A bad HRIS file: its problems quote the payloads it holds, and nothing is imported.
    bad = p.hris_csv((p.Person(p.SCRIPT, p.IMG_ONERROR, "A", "B", "", "", "", p.JS_LINK),))
    page.goto("/people/import")
    page.get_by_label("HRIS export (CSV)").set_input_files(
        files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": bad}]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was imported")
    assert_inert(page, watch, [p.IMG_ONERROR.lower()])

    visit(page, watch, "/reports/team", [p.COURSE_TITLE, p.EMPLOYEE.name, p.SPREADSHEET.name])
    visit(page, watch, "/reports/organisation", [p.EMPLOYEE.department, p.COURSE_TITLE])
    visit(page, watch, "/admin/rules/", [p.EMPLOYEE.department, p.SPREADSHEET.department])
    visit(page, watch, "/admin/precheck", [p.CODENAME])
    visit(page, watch, "/mail/outbox", [p.EMPLOYEE.email, f"New course for you: {p.COURSE_TITLE}"])
    audited = [p.HR.email, p.MANAGER.email, p.EMPLOYEE.department, p.EXEMPTION_REASON, p.CODENAME]
    visit(page, watch, "/reports/audit", audited)
    assert_accessible(page)  # long entries scroll sideways: the table must take the keyboard

    rows = csv_rows(page, "/reports/completions.csv")
    assert_no_formulas(rows, [p.FORMULA_AT, p.FORMULA_PLUS, p.FORMULA_MINUS])
    audit = csv_rows(page, "/reports/audit.csv")
    assert_no_formulas(audit, [p.HR.email])
    assert any(p.EXEMPTION_REASON in cell for row in audit for cell in row)


def test_hr_authoring_pages_show_the_course_as_text_and_clean_the_preview(
    page: Page, watch: Watch, stored: p.StoredIds
) -> None:
    sign_in(page, p.HR.email, PASSWORD)
    visit(page, watch, "/admin/courses/", [p.COURSE_TITLE])
    visit(page, watch, ADMIN, [p.COURSE_TITLE, p.LESSON_TITLE, p.RAW_LESSON_TITLE, p.PROMPT])
    visit(page, watch, f"{ADMIN}/settings", [p.COURSE_TITLE, p.SUMMARY])
    visit(page, watch, f"{ADMIN}/lessons/{p.LESSON_SLUG}/edit", [p.LESSON_TITLE, *p.MARKUP])
    visit(page, watch, f"{ADMIN}/questions/final-question/edit", p.QUIZ_TEXTS)
    visit(page, watch, f"{ADMIN}/publish", [p.COURSE_TITLE])
    visit(page, watch, f"{ADMIN}/history?old=1&new=2", [p.COURSE_TITLE])

    # Raw HTML and javascript: links: the preview shows them sanitised, saving refuses them.
    visit(page, watch, f"{ADMIN}/lessons/new")
    page.get_by_label("Title").fill(p.LESSON_TITLE)
    body = page.get_by_label("Lesson text (Markdown)")
    body.fill(p.RAW_MARKDOWN)
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#lesson-preview")
    expect(preview).to_contain_text(f"Template text {p.TEMPLATE}.")
    assert_sanitised_preview(page, watch)
    page.get_by_role("button", name="Save lesson").click()
    expect(page.locator("#body-error")).to_contain_text("is not allowed")
    assert_inert(page, watch, [p.LESSON_TITLE, "raw HTML ('<script>window.__xss=1;alert(1)"])

    # The live preview puts the server's HTML into the page as the author types.
    with page.expect_response("**/admin/courses/preview") as answered:
        body.fill(p.RAW_MARKDOWN + "\n\nTyped just now.")
    assert answered.value.ok
    expect(preview).to_contain_text("Typed just now.")
    assert_sanitised_preview(page, watch)


def assert_sanitised_preview(page: Page, watch: Watch) -> None:
    """The preview of RAW_MARKDOWN: raw HTML shown as text, javascript: links without a target."""
    preview = page.locator("#lesson-preview")
    expect(preview.get_by_text("click me")).to_have_count(1)
    expect(preview.locator("a[href]")).to_have_count(0)
    expect(preview.locator("img[src]")).to_have_count(0)
    assert_inert(page, watch, [f"Template text {p.TEMPLATE}."])


@pytest.fixture(autouse=True)
def _every_test_checks_pages(watch: Watch) -> Iterator[None]:
    """A test that checked no page proved nothing."""
    yield
    assert watch.checked > 0
