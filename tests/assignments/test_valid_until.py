"""A recertifying course's certificate says how long it is valid: on the PDF and /verify/<code>."""

from __future__ import annotations

import io
from datetime import datetime

from pypdf import PdfReader
from sqlalchemy import select, text

from lms import clock, migrations
from lms.assignments.services import RuleSpec, create_rule, update_rule
from lms.assignments.sync import sync_assignments
from lms.db import make_engine
from lms.learning.certificates import certificate_for, certificate_pdf, issue_certificate
from lms.learning.models import Enrollment

COURSE = "social-media-essentials"


def _complete(db, person, version) -> Enrollment:
    enrollment = db.scalar(select(Enrollment).where(Enrollment.employee_id == person.id))
    enrollment.version_id = version.id
    enrollment.started_at = enrollment.completed_at = clock.now()
    issue_certificate(db, enrollment)
    db.commit()
    return enrollment


def test_the_stricter_recertification_sets_valid_until(db, org, shipped_courses):
    create_rule(db, RuleSpec(COURSE, "everyone", recertify_months=12), actor_id=None)
    create_rule(db, RuleSpec(COURSE, "departments", ("Sales",), recertify_months=6), actor_id=None)
    create_rule(db, RuleSpec(COURSE, "departments", ("Ops",)), actor_id=None)
    sync_assignments(db)
    version = shipped_courses[COURSE]
    for name in ("outsider", "staff"):
        _complete(db, org[name], version)
    assert certificate_for(db, org["outsider"].id, COURSE).valid_until.date().isoformat() == (
        "2026-09-02"
    )
    assert certificate_for(db, org["staff"].id, COURSE).valid_until.date().isoformat() == (
        "2027-03-02"
    )


def test_no_recertification_means_no_date(db, org, shipped_courses):
    create_rule(db, RuleSpec(COURSE, "everyone"), actor_id=None)
    sync_assignments(db)
    _complete(db, org["staff"], shipped_courses[COURSE])
    assert certificate_for(db, org["staff"].id, COURSE).valid_until is None


def test_a_rule_change_reaches_open_cycles_and_not_issued_certificates(db, org, shipped_courses):
    rule = create_rule(db, RuleSpec(COURSE, "everyone", recertify_months=24), actor_id=None)
    sync_assignments(db)
    _complete(db, org["staff"], shipped_courses[COURSE])
    update_rule(db, rule.id, RuleSpec(COURSE, "everyone", recertify_months=3), actor_id=None)
    summary = sync_assignments(db)
    assert summary.created == 0  # only the renewal period of open cycles changed
    assert str(sync_assignments(db)) == str(summary)  # and a second run changes nothing
    _complete(db, org["lead"], shipped_courses[COURSE])
    assert certificate_for(db, org["staff"].id, COURSE).valid_until.year == 2028
    assert certificate_for(db, org["lead"].id, COURSE).valid_until.month == 6


def test_the_pdf_and_the_verify_page_say_valid_until_then_expired(client, db, org, shipped_courses):
    create_rule(db, RuleSpec(COURSE, "everyone", recertify_months=12), actor_id=None)
    sync_assignments(db)
    _complete(db, org["staff"], shipped_courses[COURSE])
    details = certificate_for(db, org["staff"].id, COURSE)
    pdf = certificate_pdf(details, f"http://postwise.test/verify/{details.code}")
    assert "Valid until 2 March 2027" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    page = client.get(f"/verify/{details.code}").get_data(as_text=True)
    assert "Valid until 2 March 2027." in page
    assert "Expired" not in page
    clock.freeze(datetime(2027, 3, 3, tzinfo=clock.now().tzinfo))
    page = client.get(f"/verify/{details.code}").get_data(as_text=True)
    assert "Expired on 2 March 2027" in page
    assert '<span class="badge badge-warn">Expired</span>' in page


def test_an_existing_database_upgrades_to_0007_keeping_its_rows(tmp_path):
    """Enrollments and certificates from before 0007 are kept, with the new columns empty."""
    engine = make_engine(f"sqlite:///{tmp_path}/old.sqlite3")
    migrations.upgrade(engine, "0006")
    rows = [
        "INSERT INTO employees (id, hris_id, email, first_name, last_name, is_active,"
        " is_hr_admin, session_version, failed_sign_ins, created_at, updated_at)"
        " VALUES (1, 'E1', 'a@example.com', 'A', 'B', 1, 0, 1, 0, '2026-01-01', '2026-01-01')",
        "INSERT INTO courses (id, slug, kind, created_at) VALUES (1, 'c', 'course', '2026-01-01')",
        "INSERT INTO enrollments (id, employee_id, course_id, cycle, source, assigned_at,"
        " completed_at) VALUES (1, 1, 1, 1, 'assigned', '2026-01-01', '2026-01-02')",
        "INSERT INTO certificates (id, enrollment_id, code, issued_at)"
        " VALUES (1, 1, 'abc', '2026-01-02')",
    ]
    with engine.begin() as connection:
        for row in rows:
            connection.execute(text(row))
    migrations.upgrade(engine)
    with engine.connect() as connection:
        enrollment = connection.execute(
            text("SELECT source, exempted_at, recertify_months, reason FROM enrollments")
        ).one()
        assert tuple(enrollment) == ("assigned", None, None, None)
        assert connection.execute(text("SELECT code, valid_until FROM certificates")).one() == (
            "abc",
            None,
        )
    engine.dispose()
