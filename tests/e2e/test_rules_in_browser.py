"""In the browser: HR previews and saves a rule for one department; an employee of that
department finds the course on My learning, an employee of another department does not."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from lms.people.groups import DirectoryGroup, GroupMember
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_roles_in_browser import sign_in, sign_out
from tests.helpers import PASSWORD

COURSE_TITLE = "Social media essentials for professionals"


def test_hr_previews_and_saves_a_rule_for_one_department(page: Page, org, shipped_courses) -> None:
    sign_in(page, org["hr"].email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Assignments").click()
    expect(page.get_by_role("heading", level=1, name="Assignment rules")).to_be_visible()
    expect(page.get_by_text("There are no rules yet.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="New rule").click()
    expect(page.get_by_role("heading", level=1, name="New assignment rule")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Course").select_option(label=COURSE_TITLE)
    page.get_by_label("Who gets it").select_option(label="One or more departments")
    page.get_by_label("Departments").select_option(["Sales"])
    page.get_by_label("Due in (days)").fill("14")
    page.get_by_role("button", name="Preview").click()
    expect(
        page.get_by_role("heading", name="Preview: this rule covers 1 person now")
    ).to_be_visible()
    expect(page.get_by_text("Otto Outside, Sales")).to_be_visible()
    expect(page.get_by_label("Departments")).to_have_values(["Sales"])  # the form is kept
    assert_accessible(page)

    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(re.compile(r"Rule saved: .*created 1 enrollment"))).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Departments Sales")
    expect(row.get_by_text("1 person")).to_be_visible()
    expect(row.get_by_text("0 of 1 completed (0%)")).to_be_visible()
    expect(row.get_by_role("progressbar")).to_have_attribute("value", "0")
    assert_accessible(page)
    sign_out(page)

    sign_in(page, org["outsider"].email, PASSWORD)  # Sales
    course = page.get_by_role("listitem").filter(has_text=COURSE_TITLE)
    expect(course.get_by_text("Not started")).to_be_visible()
    expect(course.get_by_text("Due 16 March 2026")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    sign_in(page, org["staff"].email, PASSWORD)  # Marketing
    expect(page.get_by_text("You have no courses assigned yet.")).to_be_visible()
    expect(page.get_by_role("link", name=COURSE_TITLE)).to_have_count(0)


def test_hr_exempts_a_person_from_their_page(page: Page, db, org, shipped_courses) -> None:
    sign_in(page, org["hr"].email, PASSWORD)
    page.goto(f"/people/{org['staff'].id}")
    form = page.get_by_role("form", name="Exempt from a course")
    form.get_by_label("Course").select_option(label=COURSE_TITLE)
    form.get_by_role("button", name="Exempt").click()
    expect(page.get_by_text("Give the reason: it is kept with the record.")).to_be_visible()
    assert_accessible(page)
    form = page.get_by_role("form", name="Exempt from a course")
    form.get_by_label("Reason").fill("Joined from the agency, trained there")
    form.get_by_role("button", name="Exempt").click()
    expect(page.get_by_text(f"Sia Staff is exempted from {COURSE_TITLE}.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=COURSE_TITLE)
    expect(row.get_by_text("Exempted")).to_be_visible()
    assert_accessible(page)


def test_hr_removes_a_rule_after_reading_what_it_withdraws(
    page: Page, db, org, shipped_courses
) -> None:
    from lms.assignments.services import RuleSpec, create_rule
    from lms.assignments.sync import sync_assignments

    create_rule(db, RuleSpec("social-media-essentials", "everyone"), actor_id=None)
    sync_assignments(db)
    db.commit()
    sign_in(page, org["hr"].email, PASSWORD)
    page.goto("/admin/rules/")
    page.get_by_role("button", name=re.compile("Remove the rule for")).click()
    name = f"Everyone: {COURSE_TITLE}"
    expect(page.get_by_role("heading", level=1, name=f"Remove the rule “{name}”?")).to_be_visible()
    expect(page.get_by_text("6 open enrollments will be withdrawn")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel and keep it as it is").click()  # changes nothing
    expect(page.get_by_role("cell", name="Everyone", exact=True)).to_be_visible()

    page.get_by_role("button", name=re.compile("Remove the rule for")).click()
    page.get_by_role("button", name="Remove the rule", exact=True).click()
    expect(page.get_by_text(f"The rule “{name}” is removed.")).to_be_visible()
    expect(page.get_by_text(re.compile("withdrawn 6"))).to_be_visible()
    expect(page.get_by_text("There are no rules yet.")).to_be_visible()


def test_hr_gives_a_course_to_a_directory_group(page: Page, db, org, shipped_courses) -> None:
    """Groups come from the identity provider (SCIM); HR chooses one by name in the form."""
    group = DirectoryGroup(display_name="Brand ambassadors", external_id="entra-42")
    db.add(group)
    db.flush()
    db.add(GroupMember(group_id=group.id, employee_id=org["staff"].id))
    db.commit()
    sign_in(page, org["hr"].email, PASSWORD)
    page.goto("/admin/rules/new")
    page.get_by_label("Course").select_option(label=COURSE_TITLE)
    page.get_by_label("Who gets it").select_option(label="People in one or more directory groups")
    page.get_by_label("Directory groups").select_option(["Brand ambassadors"])
    page.get_by_label("Due in (days)").fill("14")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(re.compile(r"Rule saved: .*created 1 enrollment"))).to_be_visible()
    row = page.get_by_role("row").filter(has_text="People in the directory group Brand ambassadors")
    expect(row.get_by_text("1 person")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    sign_in(page, org["staff"].email, PASSWORD)
    course = page.get_by_role("listitem").filter(has_text=COURSE_TITLE)
    expect(course.get_by_text("Not started")).to_be_visible()
