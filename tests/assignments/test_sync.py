"""Assignment rules become enrollments: idempotently, for new hires and movers, per cycle."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from lms import clock
from lms.assignments import individual
from lms.assignments.services import (
    RuleRejected,
    RuleSpec,
    SyncSummary,
    add_months,
    create_rule,
    remove_rule,
    sync_assignments,
)
from lms.audit.models import AuditEvent
from lms.learning.models import Enrollment
from lms.learning.services import enroll_self
from tests.people.hris_files import csv_file, person_row

COURSE = "social-media-essentials"
TITLE = "Social media essentials for professionals"  # how messages name it


def _enrolled(db) -> dict[int, list[tuple[int, bool, bool]]]:
    """employee id → [(cycle, completed, withdrawn)] for the course."""
    db.flush()
    result: dict[int, list[tuple[int, bool, bool]]] = {}
    for e in db.scalars(select(Enrollment).order_by(Enrollment.employee_id, Enrollment.cycle)):
        result.setdefault(e.employee_id, []).append(
            (e.cycle, e.completed_at is not None, e.withdrawn_at is not None)
        )
    return result


def test_a_rule_for_everyone_assigns_every_active_person_once(
    db, org, shipped_courses, make_employee
):
    make_employee(is_active=False)
    create_rule(db, RuleSpec(COURSE, "everyone", due_days=14), actor_id=org["hr"].id)
    first = sync_assignments(db)
    assert str(first) == "created 6 enrollments (6 new, 0 renewed), reinstated 0, withdrawn 0"
    again = sync_assignments(db)
    assert str(again) == "created 0 enrollments (0 new, 0 renewed), reinstated 0, withdrawn 0"
    due = {e.due_at for e in db.scalars(select(Enrollment))}
    assert due == {clock.now() + timedelta(days=14)}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (RuleSpec(COURSE, "departments", ("Sales",)), {"outsider"}),
        (RuleSpec(COURSE, "people", ("T0004", "T0005")), {"staff", "staff2"}),
        (
            RuleSpec(COURSE, "manager", manager_email="person2@example.com"),
            {"lead", "staff", "staff2"},
        ),
    ],
)
def test_audiences(db, org, shipped_courses, spec, expected):
    create_rule(db, spec, actor_id=None)
    sync_assignments(db)
    ids = {org[name].id for name in expected}
    assert set(_enrolled(db)) == ids


def test_people_who_leave_the_audience_are_withdrawn_but_keep_completions(db, org, shipped_courses):
    create_rule(db, RuleSpec(COURSE, "departments", ("Marketing",)), actor_id=None)
    sync_assignments(db)
    done = db.scalar(select(Enrollment).where(Enrollment.employee_id == org["lead"].id))
    done.completed_at = clock.now()
    for name in ("lead", "staff"):
        db.merge(org[name]).department = "Sales"
    summary = sync_assignments(db)
    assert summary.withdrawn == 1
    enrolled = _enrolled(db)
    assert enrolled[org["lead"].id] == [(1, True, False)]  # completion untouched
    assert enrolled[org["staff"].id] == [(1, False, True)]  # withdrawn, not deleted
    db.merge(org["staff"]).department = "Marketing"
    assert sync_assignments(db).reinstated == 1


def test_new_hires_are_due_from_their_hire_date(db, org, shipped_courses, make_employee):
    create_rule(db, RuleSpec(COURSE, "everyone", due_days=30), actor_id=None)
    clock.advance(timedelta(days=3))
    hire = make_employee(hire_date=date(2026, 3, 10))
    sync_assignments(db)
    enrollment = db.scalar(select(Enrollment).where(Enrollment.employee_id == hire.id))
    assert enrollment.due_at.date() == date(2026, 4, 9)


def test_recertification_starts_a_new_cycle_after_the_interval(db, org, shipped_courses):
    create_rule(db, RuleSpec(COURSE, "people", ("T0004",), recertify_months=12), actor_id=None)
    sync_assignments(db)
    enrollment = db.scalars(select(Enrollment)).one()
    enrollment.completed_at = clock.now()
    clock.advance(timedelta(days=364))
    assert sync_assignments(db).recertified == 0
    clock.advance(timedelta(days=2))
    assert sync_assignments(db).recertified == 1
    assert sync_assignments(db).recertified == 0
    assert _enrolled(db)[org["staff"].id] == [(1, True, False), (2, False, False)]


def test_rules_are_checked_field_by_field(db, org, shipped_courses):
    spec = RuleSpec("nope", "teams", due_days=0, recertify_months=500)
    with pytest.raises(RuleRejected) as rejected:
        create_rule(db, spec, actor_id=None)
    assert set(rejected.value.reasons) == {"course", "audience", "due_days", "recertify_months"}
    with pytest.raises(RuleRejected, match="Choose at least one department"):
        create_rule(db, RuleSpec(COURSE, "departments"), actor_id=None)


def test_creating_a_rule_is_audited(db, org, shipped_courses):
    create_rule(db, RuleSpec(COURSE, "departments", ("Sales",), due_days=7), actor_id=org["hr"].id)
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "rule.created")).one()
    assert event.actor_id == org["hr"].id
    assert event.target == f"{TITLE} for departments Sales, due in 7 days"


def test_a_people_import_syncs_at_once(runner, db, shipped_courses, tmp_path):
    create_rule(db, RuleSpec(COURSE, "everyone"), actor_id=None)
    db.commit()
    path = tmp_path / "people.csv"
    path.write_bytes(csv_file(person_row("E1"), person_row("E2")))
    output = runner.invoke(args=["people", "import", str(path)]).output
    assert "Assignments synced: created 2 enrollments (2 new, 0 renewed)" in output
    assert runner.invoke(args=["assignments", "sync"]).output == (
        "Assignments synced: created 0 enrollments (0 new, 0 renewed), reinstated 0, withdrawn 0.\n"
    )


def test_withdrawn_courses_leave_my_learning(client, login, db, org, shipped_courses):
    create_rule(db, RuleSpec(COURSE, "people", ("T0004",)), actor_id=None)
    sync_assignments(db)
    db.commit()
    login(org["staff"])
    assert "Social media essentials" in client.get("/").get_data(as_text=True)
    db.execute(update(Enrollment).values(withdrawn_at=clock.now()))
    db.commit()
    assert "Social media essentials" not in client.get("/").get_data(as_text=True)
    assert client.get(f"/courses/{COURSE}").status_code == 404


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ((2026, 1, 31), 1, (2026, 2, 28)),
        ((2026, 11, 15), 3, (2027, 2, 15)),
        ((2024, 2, 29), 12, (2025, 2, 28)),
    ],
)
def test_add_months_keeps_the_day_or_the_months_last(start, months, expected):
    moment = clock.now().replace(year=start[0], month=start[1], day=start[2])
    result = add_months(moment, months)
    assert (result.year, result.month, result.day) == expected


def test_a_second_sync_changes_nothing_whatever_the_mix(db, org, shipped_courses, make_employee):
    """Rules of every kind, exemptions, manual and recorded enrollments, movers, a renewal:
    the second run leaves every enrollment row exactly as the first left it."""
    create_rule(db, RuleSpec(COURSE, "everyone", recertify_months=6), actor_id=None)
    create_rule(db, RuleSpec(COURSE, "departments", ("Sales",), due_days=7), actor_id=None)
    create_rule(
        db, RuleSpec("social-media-guideline", "manager", manager_email="person2@example.com"),
        actor_id=None,
    )  # fmt: skip
    sync_assignments(db)
    individual.exempt(db, org["staff"].id, COURSE, "Agency", actor_id=None)
    individual.record_completion(
        db, org["lead"].id, COURSE, date(2026, 2, 1), "Classroom", actor_id=None
    )
    individual.withdraw_course(db, org["staff2"].id, "social-media-guideline", actor_id=None)
    individual.assign_course(
        db, org["hr"].id, "social-media-guideline", date(2026, 4, 1), actor_id=None
    )
    enroll_self(db, org["outsider"].id, "social-media-guideline")
    db.merge(org["staff2"]).department = "Sales"
    make_employee(hire_date=date(2026, 3, 5))
    clock.advance(timedelta(days=200))  # the recorded completion is due for renewal

    def rows() -> list[tuple]:
        db.flush()
        return [
            (e.employee_id, e.course_id, e.cycle, e.source, e.due_at, e.completed_at,
             e.withdrawn_at, e.exempted_at, e.recertify_months)
            for e in db.scalars(select(Enrollment).order_by(Enrollment.id))
        ]  # fmt: skip

    first = sync_assignments(db)
    assert first.recertified == 1
    after_first = rows()
    assert str(sync_assignments(db)) == (
        "created 0 enrollments (0 new, 0 renewed), reinstated 0, withdrawn 0"
    )
    assert rows() == after_first


def test_a_reinstated_enrollment_takes_the_renewal_period_of_the_rule_that_brings_it_back(
    db, org, shipped_courses
):
    yearly = create_rule(
        db, RuleSpec(COURSE, "departments", ("Marketing",), recertify_months=12), actor_id=None
    )
    marketing = sync_assignments(db).assigned
    remove_rule(db, yearly.id, actor_id=None)
    assert sync_assignments(db).withdrawn == marketing
    create_rule(
        db, RuleSpec(COURSE, "departments", ("Marketing",), recertify_months=6), actor_id=None
    )
    assert sync_assignments(db).reinstated == marketing
    enrollments = db.scalars(select(Enrollment)).all()
    assert {(e.withdrawn_at, e.recertify_months) for e in enrollments} == {(None, 6)}
    assert sync_assignments(db) == SyncSummary()
