"""In a real browser, the demo employee, managers and HR admin each sign in and see their pages.

Every page visited is checked with axe-core (serious and critical violations fail the test).
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms import PROJECT_ROOT
from lms.demo import DEMO_PASSWORD, build_demo, demo_people_csv
from lms.people import accounts
from lms.people.auth_views import SIGN_IN_FAILED as FAILED
from lms.people.models import Employee
from lms.people.passwords import hash_password
from tests.e2e.conftest import assert_accessible
from tests.helpers import PASSWORD

SIGN_IN_FAILED = str(FAILED)  # the English words (no request, so no translation)

DEMO_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Person:
    id: int
    hris_id: str
    email: str
    name: str
    first_name: str
    department: str
    title: str
    manager_hris_id: str


@dataclass(frozen=True)
class Demo:
    """The demo organisation as the browser should find it, worked out from its HRIS file."""

    people: list[Person]
    emails: dict[str, str]  # role -> email, as `lms demo` prints them

    def by_role(self, role: str) -> Person:
        return self.by_email(self.emails[role])

    def by_email(self, email: str) -> Person:
        return next(person for person in self.people if person.email == email)

    def by_hris_id(self, hris_id: str) -> Person:
        return next(person for person in self.people if person.hris_id == hris_id)

    def direct_reports(self, person: Person) -> list[Person]:
        return [p for p in self.people if p.manager_hris_id == person.hris_id]

    def reporting_line(self, person: Person) -> list[Person]:
        """Everyone below someone, direct and indirect."""
        below: dict[str, list[Person]] = defaultdict(list)
        for p in self.people:
            below[p.manager_hris_id].append(p)
        found, todo = [], list(below[person.hris_id])
        while todo:
            current = todo.pop()
            found.append(current)
            todo.extend(below[current.hris_id])
        return found


# Argon2 is slow on purpose and every demo person gets the same password: hash it once per run
# (one salt shared by the demo people) instead of 51 times per test. Sign-in still verifies it.
_hash_once = functools.cache(hash_password)


@pytest.fixture
def demo(db: Session, monkeypatch: pytest.MonkeyPatch) -> Demo:
    """The demo organisation in this test's database, as `lms demo` builds it."""
    monkeypatch.setattr(accounts, "hash_password", _hash_once)
    result = build_demo(db, max_bytes=DEMO_MAX_BYTES, packs=PROJECT_ROOT / "courses")
    db.commit()
    ids = {hris_id: id_ for hris_id, id_ in db.execute(select(Employee.hris_id, Employee.id))}
    db.rollback()  # hold no transaction open while the server writes
    rows = csv.DictReader(io.StringIO(demo_people_csv().decode()))
    people = [
        Person(
            id=ids[row["employee_id"]],
            hris_id=row["employee_id"],
            email=row["email"],
            name=f"{row['first_name']} {row['last_name']}",
            first_name=row["first_name"],
            department=row["department"],
            title=row["title"],
            manager_hris_id=row["manager_id"],
        )
        for row in rows
    ]
    return Demo(people, {sign_in.role: sign_in.email for sign_in in result.sign_ins})


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in through the form, the way a person does, and land on the home page."""
    page.goto("/sign-in")
    expect(page.get_by_role("heading", name="Sign in to Postwise")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/$"))


def sign_out(page: Page) -> None:
    """Use the Sign out button in the header; the session must be over afterwards."""
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    expect(page.get_by_role("heading", name="Sign in to Postwise")).to_be_visible()
    assert_accessible(page)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def main_nav(page: Page) -> Locator:
    """The header's navigation, where each role's links are."""
    return page.get_by_role("navigation", name="Main")


def people_count(n: int) -> str:
    """How the pages count people: "1 person", "6 people"."""
    return f"{n} {'person' if n == 1 else 'people'}"


# ---------------------------------------------------------------- the three roles


def test_demo_employee_sees_their_training_and_nothing_of_others(page: Page, demo: Demo) -> None:
    employee = demo.by_role("employee")
    sign_in(page, employee.email, DEMO_PASSWORD)

    expect(page.get_by_role("heading", name=f"Hello, {employee.first_name}")).to_be_visible()
    expect(page.get_by_role("heading", name="My learning")).to_be_visible()
    expect(page.get_by_role("heading", name="Your team")).to_have_count(0)
    expect(page.get_by_role("heading", name="HR administration")).to_have_count(0)
    nav = main_nav(page)
    expect(nav.get_by_role("link", name="Home")).to_be_visible()
    for hidden in ("People", "My team", "Import people"):
        expect(nav.get_by_role("link", name=hidden, exact=True)).to_have_count(0)
    expect(page.get_by_text(employee.name, exact=True)).to_be_visible()  # who is signed in
    assert_accessible(page)

    # The people pages are not for this role, even by typing the address.
    page.goto("/people/")
    expect(page.get_by_role("heading", name="This page is not for your role")).to_be_visible()
    assert_accessible(page)
    colleague = next(p for p in demo.people if p.email != employee.email)
    response = page.goto(f"/people/{colleague.id}")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="We could not find that page")).to_be_visible()
    assert_accessible(page)

    sign_out(page)


@pytest.mark.parametrize("role", ["manager (department head)", "manager (team lead)"])
def test_demo_manager_sees_their_reporting_line(page: Page, demo: Demo, role: str) -> None:
    manager = demo.by_role(role)
    line = demo.reporting_line(manager)
    assert line, f"the demo {role} should have reports"
    sign_in(page, manager.email, DEMO_PASSWORD)

    expect(page.get_by_role("heading", name=f"Hello, {manager.first_name}")).to_be_visible()
    expect(page.get_by_role("heading", name="My learning")).to_be_visible()
    team = page.get_by_role("region", name="Your team")
    expect(team).to_contain_text(f"{people_count(len(line))} in your reporting line")
    nav = main_nav(page)
    for hidden in ("People", "Import people"):
        expect(nav.get_by_role("link", name=hidden, exact=True)).to_have_count(0)
    assert_accessible(page)

    nav.get_by_role("link", name="My team").click()
    expect(page.get_by_role("heading", name="My team", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="the people in your team").click()
    expect(page.get_by_role("heading", name="People in your team", level=1)).to_be_visible()
    # Exactly their reporting line, the same count as on the home page (not themself).
    expect(page.get_by_text(f"{people_count(len(line))} found.")).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(len(line))
    listed = rows.locator("td:first-child a").all_inner_texts()
    assert sorted(listed) == sorted(p.name for p in line)
    assert_accessible(page)

    # Only their line: the HR pages are refused, and an outsider does not exist for them.
    page.goto("/people/import")
    expect(page.get_by_role("heading", name="This page is not for your role")).to_be_visible()
    assert_accessible(page)
    outsider = demo.by_role("HR admin")
    assert outsider not in line
    response = page.goto(f"/people/{outsider.id}")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="We could not find that page")).to_be_visible()
    assert_accessible(page)

    sign_out(page)


def test_demo_hr_admin_finds_people_and_reaches_the_import(page: Page, demo: Demo) -> None:
    hr = demo.by_role("HR admin")
    sign_in(page, hr.email, DEMO_PASSWORD)

    expect(page.get_by_role("heading", name="HR administration")).to_be_visible()
    assert_accessible(page)

    # The People page: everyone, in pages of 50.
    main_nav(page).get_by_role("link", name="People", exact=True).click()
    expect(page.get_by_role("heading", name="People", level=1)).to_be_visible()
    expect(page.get_by_text(f"{people_count(len(demo.people))} found.")).to_be_visible()
    expect(page.locator("table tbody tr")).to_have_count(min(50, len(demo.people)))
    assert_accessible(page)

    # Search by name finds the one person.
    target = demo.by_role("manager (team lead)")
    search = page.get_by_role("search", name="Filter people")
    search.get_by_label("Search").fill(target.name)
    search.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("1 person found.")).to_be_visible()
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.get_by_role("link", name=target.name)).to_be_visible()
    assert_accessible(page)

    # The department filter shows exactly that department.
    search.get_by_label("Search").fill("")
    search.get_by_label("Department").select_option(label="Sales")
    search.get_by_role("button", name="Filter").click()
    sales = [p for p in demo.people if p.department == "Sales"]
    expect(page.get_by_text(f"{people_count(len(sales))} found.")).to_be_visible()
    expect(search.get_by_label("Department")).to_have_value("Sales")
    departments = page.locator("table tbody tr td:nth-child(2)")
    expect(departments).to_have_count(len(sales))
    assert set(departments.all_inner_texts()) == {"Sales"}
    assert_accessible(page)

    # A person's page: their manager and their direct reports, each a link.
    page.goto(f"/people/?q={target.email}")
    page.get_by_role("link", name=target.name).click()
    expect(page.get_by_role("heading", name=target.name, level=1)).to_be_visible()
    boss = demo.by_hris_id(target.manager_hris_id)
    facts = page.locator("dl.facts")
    expect(facts.get_by_role("link", name=boss.name)).to_be_visible()
    reports = page.locator("h2:has-text('Direct reports') + ul > li")
    expected_reports = demo.direct_reports(target)
    expect(reports).to_have_count(len(expected_reports))
    for person in expected_reports:
        expect(page.get_by_role("link", name=person.name)).to_be_visible()
    assert_accessible(page)

    # Up the chart: the manager's page lists this person among their reports.
    facts.get_by_role("link", name=boss.name).click()
    expect(page.get_by_role("heading", name=boss.name, level=1)).to_be_visible()
    expect(page.get_by_role("link", name=target.name)).to_be_visible()
    assert_accessible(page)

    main_nav(page).get_by_role("link", name="Import people").click()
    expect(page.get_by_role("heading", name="Import people from your HRIS")).to_be_visible()
    expect(page.get_by_label("HRIS export (CSV)")).to_be_visible()
    assert_accessible(page)

    sign_out(page)


# ---------------------------------------------------------------- signing in, keyboard


def test_wrong_password_shows_the_message_next_to_the_field(
    page: Page, make_employee: Callable[..., Employee]
) -> None:
    person = make_employee(first_name="Ada")
    page.goto("/sign-in")

    # Nothing entered: each field says what it needs.
    page.get_by_role("button", name="Sign in").click()
    email = page.get_by_label("Email")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description("Enter your work email address.")
    assert_accessible(page)

    email.fill(person.email)
    page.get_by_label("Password").fill("not-the-right-password")
    page.get_by_role("button", name="Sign in").click()
    password = page.get_by_label("Password")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description(SIGN_IN_FAILED)
    expect(page.locator("#password-error")).to_have_text(SIGN_IN_FAILED)
    expect(email).to_have_value(person.email)  # kept, so only the password needs retyping
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    assert_accessible(page)

    password.fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Hello, Ada")).to_be_visible()
    assert_accessible(page)


def test_skip_link_is_the_first_tab_stop(
    page: Page, make_employee: Callable[..., Employee]
) -> None:
    hr = make_employee(is_hr_admin=True)
    sign_in(page, hr.email, PASSWORD)
    for path in ("/", "/people/", "/people/import"):
        page.goto(path)
        assert_accessible(page)
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Skip to content")
        expect(skip).to_be_focused()
        expect(skip).to_be_in_viewport()  # shown when focused, not left off-screen
        page.keyboard.press("Enter")
        expect(page.locator("main")).to_be_focused()
        expect(page).to_have_url(re.compile(r"#main$"))


# ---------------------------------------------------------------- importing in the browser

HEADER = "employee_id,email,first_name,last_name,department,title,manager_id,hire_date\n"
GOOD_CSV = (
    "employee_id,email,first_name,last_name,department,title,manager_id,hire_date\n"
    "N100,new.lead@example.com,Nia,Lead,Support,Support Lead,,2024-01-15\n"
    "N101,new.agent@example.com,Noor,Agent,Support,Support Agent,N100,2024-02-01\n"
)
BAD_CSV = (
    "employee_id,email,first_name,last_name,hire_date\n"
    "X1,not-an-email,Ann,Lee,2024-13-01\n"
    "X1,b@example.com,,Lee,\n"
)


def upload(page: Page, name: str, content: str) -> None:
    """Choose a file on the Import people page and send it."""
    page.goto("/people/import")
    expect(page.get_by_role("heading", name="Import people from your HRIS")).to_be_visible()
    page.get_by_label("HRIS export (CSV)").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content.encode()}]
    )
    page.get_by_role("button", name="Check the file").click()


def test_hr_admin_uploads_an_hris_file_and_sees_the_counts(
    page: Page, org: dict[str, Employee], db: Session
) -> None:
    hr_email, outsider = org["hr"].email, org["outsider"]
    # Two new people and one who changed job; nobody else is in the file (and stays as they are).
    changed = (
        f"{outsider.hris_id},{outsider.email},{outsider.first_name},{outsider.last_name},"
        "Sales,Account Executive,,\n"
    )
    db.rollback()
    sign_in(page, hr_email, PASSWORD)
    upload(page, "hris.csv", GOOD_CSV + changed)

    # First what it would do; nothing is written until HR confirms.
    expect(page.get_by_role("heading", name="Check the import before it runs")).to_be_visible()
    expect(page.get_by_role("heading", name="Added: 2 people")).to_be_visible()
    expect(page.get_by_role("list", name="Added: 2 people")).to_contain_text("Noor Agent (N101)")
    expect(page.get_by_role("heading", name="Changed: 1 person")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Import these changes").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Import finished: created 2, updated 1, deactivated 0, unchanged 0."
    )
    expect(page.get_by_role("heading", name="People", level=1)).to_be_visible()
    expect(page.get_by_text(f"{people_count(len(org) + 2)} found.")).to_be_visible()
    expect(page.get_by_role("link", name="Noor Agent")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Noor Agent").click()
    expect(page.locator("dl.facts").get_by_role("link", name="Nia Lead")).to_be_visible()
    assert_accessible(page)


def test_a_one_row_file_that_deactivates_most_people_needs_the_count_typed(
    page: Page, org: dict[str, Employee], db: Session
) -> None:
    """The incident: HR's own row alone, "Deactivate people who are not in this file" ticked."""
    hr = org["hr"]
    row = f"{hr.hris_id},{hr.email},{hr.first_name},{hr.last_name},Ops,,,\n"
    db.rollback()
    sign_in(page, hr.email, PASSWORD)
    page.goto("/people/import")
    page.get_by_label("HRIS export (CSV)").set_input_files(
        files=[{"name": "one-row.csv", "mimeType": "text/csv", "buffer": (HEADER + row).encode()}]
    )
    page.get_by_label("Deactivate people who are not in this file").check()
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_role("heading", name="Deactivated: 5 people")).to_be_visible()
    expect(page.get_by_role("list", name="Deactivated: 5 people")).to_contain_text(
        f"{org['outsider'].name} ({org['outsider'].hris_id}): not in the file"
    )
    expect(
        page.get_by_role("heading", name="This import deactivates 5 of the 6 active people (83%).")
    ).to_be_visible()
    assert_accessible(page)

    # A click alone does not do it: the number must be typed.
    page.get_by_role("button", name="Import these changes").click()
    count = page.get_by_label("Type the number of people this import deactivates")
    expect(count).to_have_accessible_description(
        re.compile("Type 5, the number of people this import deactivates, to confirm it.")
    )
    assert_accessible(page)
    db.rollback()
    assert db.scalar(select(func.count()).where(Employee.is_active)) == 6

    count.fill("5")
    page.get_by_role("button", name="Import these changes").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Import finished: created 0, updated 0, deactivated 5, unchanged 1."
    )
    db.rollback()
    assert db.scalar(select(func.count()).where(Employee.is_active)) == 1


def test_a_bad_hris_file_lists_every_problem_and_changes_nothing(
    page: Page, org: dict[str, Employee], db: Session
) -> None:
    hr_email = org["hr"].email
    before = db.scalar(select(func.count()).select_from(Employee))
    db.rollback()  # no snapshot kept open: the count at the end sees what the server did
    sign_in(page, hr_email, PASSWORD)

    # No file at all: the field says so.
    page.goto("/people/import")
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_label("HRIS export (CSV)")).to_have_accessible_description(
        re.compile("Choose the CSV file exported from your HRIS.")
    )
    assert_accessible(page)

    upload(page, "broken.csv", BAD_CSV)
    problems = page.get_by_role("alert")
    expect(problems.get_by_role("heading")).to_have_text(
        "Nothing was imported: fix these problems and upload again"
    )
    items = problems.get_by_role("listitem")
    expect(items).to_have_count(4)
    expect(items.nth(0)).to_have_text(re.compile(r"^row 2, column B \(email\): 'not-an-email'"))
    expect(problems).to_contain_text("row 2, column E (hire_date): '2024-13-01' is not a date")
    expect(problems).to_contain_text("row 3, column C (first_name): is empty")
    expect(problems).to_contain_text("row 3, column A (employee_id): 'X1' is already used in row 2")
    assert_accessible(page)

    db.rollback()
    assert db.scalar(select(func.count()).select_from(Employee)) == before
