"""A manager's reach follows the org chart as it is now: the moment an HRIS import moves a
person to another line, their old manager can no longer see or act on them, and the new one can."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import clock
from lms.assignments.services import RuleSpec, create_rule
from lms.learning.models import Enrollment
from lms.mail.models import OutboxMessage
from lms.people.models import Employee
from tests.helpers import csrf_token, sign_in
from tests.people.hris_files import csv_file, person_row
from tests.security.crawl import COURSE


def _signed_in(app: Flask, person: Employee) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, person.email).status_code == 302
    return client


def _move(runner: FlaskCliRunner, tmp_path, person: Employee, new_manager: Employee) -> None:
    """HR's nightly file, which now puts `person` under `new_manager`."""
    row = person_row(
        person.hris_id,
        person.email,
        person.first_name,
        person.last_name,
        department=person.department or "",
        manager=new_manager.hris_id,
    )
    path = tmp_path / "hris.csv"
    path.write_bytes(csv_file(row))
    result = runner.invoke(args=["people", "import", str(path)])
    assert result.exit_code == 0, result.output


def test_a_manager_loses_a_person_the_moment_an_import_moves_them(
    app: Flask, org, shipped_courses, enrol, db: Session, runner: FlaskCliRunner, tmp_path
):
    staff, lead, outsider = org["staff"], org["lead"], org["outsider"]
    # A rule keeps everyone enrolled through the import's assignment sync.
    create_rule(db, RuleSpec(COURSE, "departments", ("Marketing", "Sales")), actor_id=None)
    enrollment = enrol(staff, shipped_courses[COURSE], due_at=clock.now() - timedelta(days=3))
    enrol(org["staff2"], shipped_courses[COURSE])
    old_manager, new_manager = _signed_in(app, lead), _signed_in(app, outsider)
    assert old_manager.get(f"/people/{staff.id}").status_code == 200
    assert staff.email in old_manager.get("/reports/completions.csv").get_data(as_text=True)
    assert new_manager.get(f"/people/{staff.id}").status_code == 404

    _move(runner, tmp_path, staff, outsider)

    assert old_manager.get(f"/people/{staff.id}").status_code == 404
    assert f"/people/{staff.id}" not in old_manager.get("/reports/team").get_data(as_text=True)
    report = old_manager.get("/reports/completions.csv").get_data(as_text=True)
    assert staff.email not in report and org["staff2"].email in report
    nudge = f"/reports/team/nudge/{enrollment.id}"
    refused = old_manager.post(nudge, data={"csrf_token": csrf_token(old_manager, "/")})
    assert refused.status_code in (403, 404)
    assert db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "nudge")).all() == []

    # The same steps work for the new manager: the refusals were about the line, not the data.
    assert new_manager.get(f"/people/{staff.id}").status_code == 200
    assert staff.email in new_manager.get("/reports/completions.csv").get_data(as_text=True)
    accepted = new_manager.post(nudge, data={"csrf_token": csrf_token(new_manager, "/")})
    assert accepted.status_code == 302
    assert db.scalar(select(Enrollment.employee_id).where(Enrollment.id == enrollment.id)) == (
        staff.id
    )
