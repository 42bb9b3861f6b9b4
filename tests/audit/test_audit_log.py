"""Every HR action leaves one append-only record: who, when, what, to what, before/after."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms import PROJECT_ROOT, clock
from lms.audit.models import AuditEvent
from lms.audit.services import record
from tests.people.hris_files import csv_file, person_row
from tests.people.test_import import confirm, upload

ESSENTIALS = PROJECT_ROOT / "courses" / "social-media-essentials"
TITLE = "Social media essentials for professionals"  # the audit log names courses as people do


def _events(db) -> list[tuple[str, str, int | None, str | None, str | None]]:
    db.rollback()
    return [
        (e.action, e.target, e.actor_id, e.before, e.after)
        for e in db.scalars(select(AuditEvent).order_by(AuditEvent.id))
    ]


def test_a_people_import_on_the_command_line_is_recorded_with_its_counts(runner, db, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_file(person_row("E1"), person_row("E2")))
    runner.invoke(args=["people", "import", str(path), "--deactivate-missing"])
    assert _events(db) == [
        (
            "people.imported",
            "HRIS file of 2 people with --deactivate-missing",
            None,
            None,
            "created 2, updated 0, deactivated 0, unchanged 0",
        )
    ]


def test_a_people_import_on_the_web_names_the_hr_admin(client, login, db, org):
    login(org["hr"])
    preview = upload(client, csv_file(person_row("N1")))
    assert _events(db) == []  # a preview records nothing: nothing happened yet
    confirm(client, preview)
    (event,) = _events(db)
    assert event[:3] == ("people.imported", "HRIS file of 1 person", org["hr"].id)


def test_a_failed_import_records_nothing(runner, db, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_file(person_row("E1", email="not-an-email")))
    assert runner.invoke(args=["people", "import", str(path)]).exit_code == 1
    assert _events(db) == []


def test_roles_granted_and_revoked_are_recorded(runner, db, make_employee):
    person = make_employee(hris_id="E7", email="ann@example.com")
    runner.invoke(args=["people", "grant-hr", person.email])
    runner.invoke(args=["people", "grant-hr", person.email])  # no change, no record
    runner.invoke(args=["people", "revoke-hr", person.email])
    assert _events(db) == [
        ("role.granted", "employee E7 (ann@example.com)", None, "employee", "HR admin"),
        ("role.revoked", "employee E7 (ann@example.com)", None, "HR admin", "employee"),
    ]


def test_a_password_link_is_recorded_but_not_the_link(runner, db, make_employee):
    person = make_employee(hris_id="E8", email="bo@example.com", password=None)
    output = runner.invoke(args=["people", "invite", person.email]).output
    token = output.split("/invite/")[1].strip()
    events = _events(db)
    assert events == [("password_link.issued", "employee E8 (bo@example.com)", None, None, None)]
    assert all(token not in str(event) for event in events)


def test_importing_and_publishing_a_course_are_recorded_by_title(runner, db):
    result = runner.invoke(
        args=["courses", "import", str(ESSENTIALS), "--publish", "--note", "First issue"]
    )
    assert result.exit_code == 0, result.output
    assert _events(db) == [
        ("course.imported", f"{TITLE}, version 1", None, None, "draft"),
        ("course.published", f"{TITLE}, version 1", None, "draft", "published: First issue"),
    ]


def test_events_carry_the_time(db):
    event = record(db, "role.granted", "someone", actor_id=None)
    assert event.at == clock.now()


def test_unknown_actions_are_refused(db):
    with pytest.raises(ValueError, match="unknown audit action"):
        record(db, "course.deleted", "x", actor_id=None)
