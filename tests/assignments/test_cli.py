"""`lms assignments add | list | sync`, including every kind of bad input (nothing saved)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.assignments.models import AssignmentRule
from lms.audit.models import AuditEvent
from lms.learning.models import Enrollment

COURSE = "social-media-essentials"
TITLE = "Social media essentials for professionals"  # how messages name it


def _count(db, model) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(model))


def _add(runner, *args: str):
    return runner.invoke(args=["assignments", "add", *args])


def test_add_saves_the_rule_and_syncs_at_once(runner, db, org, shipped_courses):
    result = _add(runner, COURSE, "--audience", "department:Sales", "--due-days", "14")
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Rule 1 saved: {TITLE} for departments Sales, due in 14 days.\n"
        "Assignments synced: created 1 enrollment (1 new, 0 renewed), reinstated 0, withdrawn 0.\n"
    )
    assert _count(db, Enrollment) == 1
    event = db.scalars(select(AuditEvent).where(AuditEvent.action.like("rule.%"))).one()
    assert (event.action, event.actor_id) == ("rule.created", None)


@pytest.mark.parametrize(
    ("audience", "covered"),
    [
        (["everyone"], 6),
        (["department:Marketing,Sales"], 5),
        (["department:Sales", "department:Ops"], 2),
        (["location:Lisbon"], 1),
        (["manager:person2@example.com"], 3),
        (["people:person4@example.com,PERSON5@example.com"], 2),
        (["people:person4@example.com", "people:person6@example.com"], 2),
    ],
)
def test_every_kind_of_audience(runner, db, org, shipped_courses, audience, covered):
    db.merge(org["staff"]).location = "Lisbon"
    db.commit()
    options = [part for value in audience for part in ("--audience", value)]
    result = _add(runner, COURSE, *options, "--due-days", "30", "--recertify-months", "12")
    assert result.exit_code == 0, result.output
    assert f"({covered} new, 0 renewed)" in result.output
    rule = db.scalars(select(AssignmentRule)).one()
    assert rule.recertify_months == 12


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-course", "--audience", "everyone"], "There is no course 'no-such-course'."),
        ([COURSE, "--audience", "team:Sales"], "is not one of everyone, department:NAME"),
        ([COURSE, "--audience", "department:"], "names no one after the colon"),
        ([COURSE], "Give --audience"),
        (
            [COURSE, "--audience", "department:Sales", "--audience", "location:Lisbon"],
            "one kind of audience",
        ),
        ([COURSE, "--audience", "department:Slaes"], "No one works in the department 'Slaes'"),
        (
            [COURSE, "--audience", "people:person4@example.com,nobody@example.com"],
            "No one in Postwise has the email address 'nobody@example.com'.",
        ),
        ([COURSE, "--audience", "manager:ghost@example.com"], "'ghost@example.com'"),
        ([COURSE, "--audience", "everyone", "--recertify-months", "0"], "Recertify every 1 to"),
    ],
)
def test_bad_input_says_what_is_wrong_and_saves_nothing(
    runner, db, org, shipped_courses, args, message
):
    due = [] if "--due-days" in args else ["--due-days", "14"]
    result = _add(runner, *args, *due)
    assert result.exit_code != 0
    assert message in result.output
    assert _count(db, AssignmentRule) == 0
    assert _count(db, Enrollment) == 0
    assert db.scalars(select(AuditEvent.action).where(AuditEvent.action.like("rule.%"))).all() == []


def test_due_days_must_be_a_number(runner, org, shipped_courses):
    result = _add(runner, COURSE, "--audience", "everyone", "--due-days", "soon")
    assert result.exit_code == 2
    assert "'soon' is not a valid integer" in result.output


def test_every_problem_is_listed_at_once(runner, org, shipped_courses):
    result = _add(runner, "nope", "--audience", "department:Nowhere", "--due-days", "0")
    assert result.exit_code == 1
    assert result.output.splitlines()[1:] == [
        "  There is no course 'nope'.",
        "  No one works in the department 'Nowhere'. The departments are: Marketing, Ops, Sales.",
        "  Give a due period from 1 to 3650 days.",
    ]


def test_list_shows_coverage_and_completion(runner, db, org, shipped_courses):
    assert runner.invoke(args=["assignments", "list"]).output.startswith("No assignment rules")
    _add(runner, COURSE, "--audience", "manager:person2@example.com", "--due-days", "14")
    _add(runner, COURSE, "--audience", "department:Sales", "--due-days", "7",
         "--recertify-months", "12")  # fmt: skip
    lead = db.scalar(select(Enrollment).where(Enrollment.employee_id == org["lead"].id))
    lead.completed_at = lead.assigned_at
    db.commit()
    result = runner.invoke(args=["assignments", "list"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        f"rule 1: {COURSE} for everyone in the reporting line of person2@example.com; "
        "due in 14 days; no recertification; covers 3; completed 1 of 3",
        f"rule 2: {COURSE} for departments Sales; due in 7 days; recertify every 12 months; "
        "covers 1; completed 0 of 1",
    ]


def test_sync_prints_what_it_created_and_withdrew(runner, db, org, shipped_courses):
    _add(runner, COURSE, "--audience", "department:Marketing", "--due-days", "14")
    db.merge(org["staff"]).department = "Sales"
    db.commit()
    first = runner.invoke(args=["assignments", "sync"]).output
    assert first == (
        "Assignments synced: created 0 enrollments (0 new, 0 renewed), reinstated 0, withdrawn 1.\n"
    )
    again = runner.invoke(args=["assignments", "sync"]).output
    assert "created 0 enrollments (0 new, 0 renewed), reinstated 0, withdrawn 0" in again
