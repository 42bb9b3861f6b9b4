"""HR's rules pages: list with coverage and completion, preview (saves nothing), save, change,
remove; each change audited and followed by the sync in the same transaction."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, func, select

from lms.assignments.models import AssignmentRule
from lms.assignments.services import RuleSpec, create_rule
from lms.assignments.sync import sync_assignments
from lms.audit.models import AuditEvent
from lms.dbsession import database
from lms.learning.models import Enrollment
from tests.helpers import csrf_token, fresh

COURSE = "social-media-essentials"
TITLE = "Social media essentials for professionals"  # how messages name it


def _rule_form(**overrides: str | list[str]) -> dict[str, str | list[str]]:
    form: dict[str, str | list[str]] = {
        "course": COURSE,
        "audience": "departments",
        "departments": ["Sales"],
        "due_days": "14",
        "recertify_months": "",
        "action": "save",
    }
    form.update(overrides)
    return form


def _post(client, path: str, data: dict) -> object:
    token = csrf_token(client, path if "/remove" not in path else "/admin/rules/")
    return client.post(path, data={**data, "csrf_token": token})


def _snapshot(db) -> tuple[int, int, int]:
    db.rollback()
    return (
        db.scalar(select(func.count()).select_from(AssignmentRule)),
        db.scalar(select(func.count()).select_from(Enrollment)),
        db.scalar(select(func.count()).select_from(AuditEvent)),
    )


def test_preview_shows_whom_it_covers_and_saves_nothing(client, login, db, org, shipped_courses):
    login(org["hr"])
    before = _snapshot(db)
    response = _post(
        client, "/admin/rules/new", _rule_form(departments=["Marketing"], action="preview")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Preview: this rule covers 4 people now" in page
    assert "Lee Lead, Marketing" in page
    assert "Nothing is saved yet" in page
    assert _snapshot(db) == before


def test_preview_shows_a_sample_of_ten(client, login, db, org, shipped_courses, make_employee):
    for n in range(12):
        make_employee(first_name=f"Many{n:02d}", department="Support")
    login(org["hr"])
    page = _post(
        client, "/admin/rules/new", _rule_form(departments=["Support"], action="preview")
    ).get_data(as_text=True)
    assert "covers 12 people now" in page
    assert page.count(", Support</li>") == 10
    assert "and 2 more." in page


def test_save_creates_the_rule_syncs_and_says_so(client, login, db, org, shipped_courses):
    login(org["hr"])
    response = _post(client, "/admin/rules/new", _rule_form())
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        f"Rule saved: {TITLE} for departments Sales, due in 14 days. Assignments synced: "
        "created 1 enrollment (1 new, 0 renewed), reinstated 0, withdrawn 0." in page
    )
    db.rollback()
    event_ = db.scalars(select(AuditEvent).where(AuditEvent.action == "rule.created")).one()
    assert event_.actor_id == org["hr"].id
    assert event_.after == f"{TITLE} for departments Sales, due in 14 days"
    assert [e.employee_id for e in db.scalars(select(Enrollment))] == [org["outsider"].id]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"course": ""}, "course", "Choose a course."),
        ({"course": "gone"}, "course", "There is no course &#39;gone&#39;."),
        ({"departments": []}, "departments", "Choose at least one department."),
        ({"audience": "manager", "manager": "ghost@example.com"}, "manager", "ghost@example.com"),
        (
            {"audience": "people", "people": "person4@example.com\nwho@example.com"},
            "people",
            "No one in Postwise has the email address &#39;who@example.com&#39;.",
        ),
        ({"due_days": ""}, "due_days", "Give the number of days"),
        ({"due_days": "0"}, "due_days", "Give a due period from 1 to 3650 days."),
        ({"recertify_months": "500"}, "recertify_months", "Recertify every 1 to 120 months."),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(
    client, login, db, org, shipped_courses, overrides, field, message
):
    login(org["hr"])
    before = _snapshot(db)
    for action in ("preview", "save"):
        response = _post(client, "/admin/rules/new", _rule_form(action=action, **overrides))
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        errors = re.search(rf'<ul class="errors" id="{field}-error">(.*?)</ul>', page, re.S)
        assert errors, page
        assert message in errors.group(1)
        assert 'aria-invalid="true"' in page
    assert _snapshot(db) == before


def test_change_is_audited_in_words_and_synced(client, login, db, org, shipped_courses):
    rule = create_rule(db, RuleSpec(COURSE, "departments", ("Sales",)), actor_id=None)
    sync_assignments(db)
    db.commit()
    login(org["hr"])
    form = client.get(f"/admin/rules/{rule.id}/edit").get_data(as_text=True)
    assert '<option selected value="Sales">' in form
    response = _post(
        client,
        f"/admin/rules/{rule.id}/edit",
        _rule_form(audience="people", people="person4@example.com", recertify_months="12"),
    )
    assert response.status_code == 302
    flashed = client.get("/admin/rules/").get_data(as_text=True)
    assert "created 1 enrollment (1 new, 0 renewed), reinstated 0, withdrawn 1" in flashed
    db.rollback()
    changed = db.scalars(select(AuditEvent).where(AuditEvent.action == "rule.changed")).one()
    assert changed.actor_id == org["hr"].id
    assert changed.target == f"rule {rule.id}"
    assert changed.before == f"{TITLE} for departments Sales, due in 30 days"
    assert changed.after == (
        f"{TITLE} for the people with employee ids T0004, due in 14 days, recertify every 12 months"
    )


def test_remove_asks_first_then_stops_the_rule_withdraws_and_is_audited(
    client, login, db, org, shipped_courses, make_employee
):
    rule = create_rule(db, RuleSpec(COURSE, "departments", ("Sales",)), actor_id=None)
    make_employee(department="Sales")
    done = make_employee(department="Sales")
    sync_assignments(db)
    enrollment = db.scalars(select(Enrollment).where(Enrollment.employee_id == done.id)).one()
    enrollment.completed_at = enrollment.assigned_at
    db.commit()
    login(org["hr"])
    before = _snapshot(db)
    response = _post(client, f"/admin/rules/{rule.id}/remove", {})
    assert response.status_code == 200  # the first post only asks
    page = response.get_data(as_text=True)
    name = "Departments Sales: Social media essentials for professionals"
    assert f"Remove the rule “{name}”?" in page
    assert "2 open enrollments will be withdrawn" in page
    assert "1 completion of this course stay on record" in page
    assert 'name="confirmed" value="yes"' in page
    assert _snapshot(db) == before and fresh(db, AssignmentRule, rule.id).is_active

    response = _post(client, f"/admin/rules/{rule.id}/remove", {"confirmed": "yes"})
    assert response.status_code == 302
    page = client.get("/admin/rules/").get_data(as_text=True)
    assert f"The rule “{name}” is removed. Assignments synced:" in page
    assert "withdrawn 2" in page  # as the confirmation said
    assert "There are no rules yet" in page
    assert fresh(db, AssignmentRule, rule.id).is_active is False
    removed = db.scalars(select(AuditEvent).where(AuditEvent.action == "rule.removed")).one()
    assert (removed.actor_id, removed.before) == (
        org["hr"].id,
        f"{TITLE} for departments Sales, due in 30 days",
    )
    assert client.get(f"/admin/rules/{rule.id}/edit").status_code == 404
    assert _post(client, f"/admin/rules/{rule.id}/remove", {}).status_code == 404


def test_removing_a_rule_another_rule_overlaps_withdraws_only_what_nobody_else_gives(
    client, login, db, org, shipped_courses
):
    rule = create_rule(db, RuleSpec(COURSE, "departments", ("Sales",)), actor_id=None)
    create_rule(db, RuleSpec(COURSE, "everyone"), actor_id=None)
    sync_assignments(db)
    db.commit()
    login(org["hr"])
    page = _post(client, f"/admin/rules/{rule.id}/remove", {}).get_data(as_text=True)
    assert "0 open enrollments will be withdrawn" in page
    _post(client, f"/admin/rules/{rule.id}/remove", {"confirmed": "yes"})
    assert "withdrawn 0" in client.get("/admin/rules/").get_data(as_text=True)


def test_the_rules_page_shows_coverage_and_completion(client, login, db, org, shipped_courses):
    create_rule(
        db, RuleSpec(COURSE, "departments", ("Marketing",), recertify_months=12), actor_id=None
    )
    sync_assignments(db)
    done = db.scalar(select(Enrollment).where(Enrollment.employee_id == org["lead"].id))
    done.completed_at = done.assigned_at
    db.commit()
    login(org["hr"])
    page = client.get("/admin/rules/").get_data(as_text=True)
    assert "Social media essentials" in page
    assert "Departments Marketing" in page
    assert "Every 12 months" in page
    assert "4 people" in page
    assert '<progress max="4" value="1"' in page
    assert "1 of 4 completed (25%)" in page


def test_the_rules_page_runs_a_fixed_number_of_queries(
    app, client, login, db, org, shipped_courses
):
    login(org["hr"])

    def queries() -> int:
        seen: list[str] = []

        def count(*_args: object) -> None:
            seen.append("q")

        engine = database(app).engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get("/admin/rules/").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    create_rule(db, RuleSpec(COURSE, "manager", manager_email=org["senior"].email), actor_id=None)
    sync_assignments(db)
    db.commit()
    one_rule = queries()
    for spec in (
        RuleSpec(COURSE, "manager", manager_email=org["lead"].email),
        RuleSpec(COURSE, "everyone"),
        RuleSpec("social-media-guideline", "departments", ("Sales", "Ops")),
        RuleSpec(COURSE, "people", people_emails=(org["staff"].email,)),
    ):
        create_rule(db, spec, actor_id=None)
    sync_assignments(db)
    db.commit()
    assert queries() == one_rule
