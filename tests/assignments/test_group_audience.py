"""Rules for people in directory groups: the sync, the words, the form and the command line.
(SCIM membership changes syncing at once: tests/scim/test_groups.py.)"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms import clock
from lms.assignments.overview import rules_overview
from lms.assignments.services import (
    RuleRejected,
    RuleSpec,
    create_rule,
    rule_in_words,
    rule_name,
    spec_of,
    sync_assignments,
)
from lms.learning.models import Enrollment
from lms.people.groups import DirectoryGroup, GroupMember
from tests.helpers import csrf_token

COURSE = "social-media-essentials"
TITLE = "Social media essentials for professionals"  # how messages name it


@pytest.fixture
def groups(db, org) -> dict[str, DirectoryGroup]:
    """Marketing (lead, staff) and Sales (staff2, outsider), as SCIM would have made them."""
    made = {name: DirectoryGroup(display_name=name) for name in ("Marketing", "Sales")}
    db.add_all(made.values())
    db.flush()
    for group, people in (("Marketing", ("lead", "staff")), ("Sales", ("staff2", "outsider"))):
        db.add_all(GroupMember(group_id=made[group].id, employee_id=org[p].id) for p in people)
    db.commit()
    return made


def _enrolled(db) -> dict[int, tuple[bool, bool]]:
    """employee id → (completed, withdrawn) for the course's enrollments."""
    db.flush()
    return {
        e.employee_id: (e.completed_at is not None, e.withdrawn_at is not None)
        for e in db.scalars(select(Enrollment))
    }


def test_the_sync_enrolls_the_active_members_of_the_chosen_groups(db, org, groups, shipped_courses):
    db.merge(org["outsider"]).is_active = False
    rule = create_rule(db, RuleSpec(COURSE, "groups", ("Marketing", "Sales")), actor_id=None)
    assert rule.audience_values == [str(groups["Marketing"].id), str(groups["Sales"].id)]
    sync_assignments(db)
    assert set(_enrolled(db)) == {org[p].id for p in ("lead", "staff", "staff2")}
    assert rule_in_words(db, rule) == (
        f"{TITLE} for people in the directory groups Marketing, Sales, due in 30 days"
    )
    assert rule_name(db, rule) == f"People in the directory groups Marketing, Sales: {TITLE}"


def test_leaving_a_group_withdraws_the_open_course_and_keeps_completions(
    db, org, groups, shipped_courses
):
    create_rule(db, RuleSpec(COURSE, "groups", ("Marketing",)), actor_id=None)
    sync_assignments(db)
    done = db.scalar(select(Enrollment).where(Enrollment.employee_id == org["lead"].id))
    done.completed_at = clock.now()
    marketing = groups["Marketing"].id
    for person in ("lead", "staff"):
        db.delete(db.get(GroupMember, (marketing, org[person].id)))
    assert sync_assignments(db).withdrawn == 1
    enrolled = _enrolled(db)
    assert enrolled[org["lead"].id] == (True, False)  # completion untouched
    assert enrolled[org["staff"].id] == (False, True)  # withdrawn, not deleted
    db.add(GroupMember(group_id=marketing, employee_id=org["staff"].id))
    assert sync_assignments(db).reinstated == 1


def test_a_deleted_group_says_so_and_enrolls_nobody_new(db, org, groups, shipped_courses):
    rule = create_rule(db, RuleSpec(COURSE, "groups", ("Marketing", "Sales")), actor_id=None)
    sales = groups["Sales"]
    db.execute(GroupMember.__table__.delete().where(GroupMember.group_id == sales.id))
    db.delete(sales)
    db.flush()
    assert rule_in_words(db, rule) == (
        f"{TITLE} for people in the directory group Marketing and in a directory group "
        "since deleted, due in 30 days"
    )
    assert spec_of(db, rule).audience_values == ("Marketing",)  # the form offers what exists
    db.execute(GroupMember.__table__.delete())
    db.delete(groups["Marketing"])
    assert sync_assignments(db).created == 0
    assert _enrolled(db) == {}
    row = rules_overview(db)[0]
    assert (str(row.audience), row.covered) == ("people in 2 directory groups since deleted", 0)


def test_unknown_or_no_groups_are_refused_with_the_groups_there_are(db, org, shipped_courses):
    with pytest.raises(RuleRejected) as none_yet:
        create_rule(db, RuleSpec(COURSE, "groups", ("Marketing",)), actor_id=None)
    assert "There are no directory groups yet" in none_yet.value.reasons["audience_values"]
    db.add(DirectoryGroup(display_name="Sales"))
    db.flush()
    with pytest.raises(RuleRejected) as unknown:
        create_rule(db, RuleSpec(COURSE, "groups", ("Marketing",)), actor_id=None)
    assert unknown.value.reasons == {
        "audience_values": "There is no directory group 'Marketing'. The groups are: Sales."
    }
    with pytest.raises(RuleRejected) as empty:
        create_rule(db, RuleSpec(COURSE, "groups"), actor_id=None)
    assert empty.value.reasons == {"audience_values": "Choose at least one directory group."}


def test_hr_chooses_groups_in_the_rule_form(client, login, db, org, groups, shipped_courses):
    login(org["hr"])
    page = client.get("/admin/rules/new").get_data(as_text=True)
    assert '<option value="Marketing">Marketing</option>' in page
    form = {
        "course": COURSE,
        "audience": "groups",
        "groups": ["Sales"],
        "due_days": "14",
        "csrf_token": csrf_token(client, "/admin/rules/new"),
    }
    preview = client.post("/admin/rules/new", data={**form, "action": "preview"})
    assert "Preview: this rule covers 2 people now" in preview.get_data(as_text=True)
    saved = client.post("/admin/rules/new", data={**form, "action": "save"}, follow_redirects=True)
    shown = saved.get_data(as_text=True)
    assert f"Rule saved: {TITLE} for people in the directory group Sales, due in 14" in shown
    assert "People in the directory group Sales" in shown
    empty = client.post("/admin/rules/new", data={**form, "groups": [], "action": "save"})
    errors = re.search(r'<ul class="errors" id="groups-error">(.*?)</ul>', empty.text, re.S)
    assert errors and "Choose at least one directory group." in errors.group(1)


def test_the_command_line_names_groups(runner, db, org, groups, shipped_courses):
    result = runner.invoke(
        args=["assignments", "add", COURSE, "--audience", "group:Marketing", "--due-days", "7"]
    )
    assert result.exit_code == 0, result.output
    assert "for people in the directory group Marketing, due in 7 days" in result.output
