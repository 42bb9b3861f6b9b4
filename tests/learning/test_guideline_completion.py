"""One truth for the guideline: acknowledging the version taken completes the guideline course,
and every page, download, reminder and certificate says so."""

from __future__ import annotations

import csv
import io
import os
from datetime import timedelta

import psycopg
import pytest
from sqlalchemy import make_url, select, text

from lms import PROJECT_ROOT, clock, migrations
from lms.assignments.services import RuleSpec, create_rule
from lms.assignments.sync import sync_assignments
from lms.courses.author_notes import without_author_notes
from lms.courses.packs import read_pack
from lms.courses.services import import_pack, publish_version
from lms.db import make_engine
from lms.learning import guideline
from lms.learning.models import Certificate, Enrollment, LessonProgress
from lms.learning.services import GUIDELINE, course_view
from lms.learning.statuses import COMPLETED, NOT_STARTED, OVERDUE, status_of
from tests.conftest import PG_URL
from tests.helpers import csrf_token, sign_in

SLUG = "social-media-guideline"
SECTIONS = 8


@pytest.fixture
def assigned(db, org, shipped_courses):
    """The guideline course assigned to everyone by a rule, due in 30 days."""
    create_rule(db, RuleSpec(SLUG, "everyone", due_days=30), actor_id=None)
    sync_assignments(db)
    db.commit()
    return shipped_courses[SLUG]


def _acknowledge(client):
    page = "/guideline"
    response = client.post(
        "/guideline/acknowledge", data={"csrf_token": csrf_token(client, page), "next": ""}
    )
    assert response.status_code == 302
    return response


def _guideline_enrollment(db, employee) -> Enrollment:
    db.rollback()  # see what the requests committed
    return db.scalars(
        select(Enrollment)
        .where(Enrollment.employee_id == employee.id, Enrollment.course_id == _course_id(db))
        .order_by(Enrollment.cycle.desc())
    ).first()


def _course_id(db) -> int:
    from lms.courses.models import Course

    return db.scalar(select(Course.id).where(Course.slug == SLUG))


def _csv_rows(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_acknowledging_completes_the_overdue_guideline_course_on_every_page(
    client, db, org, assigned
):
    """Before the fix, this person stayed "Overdue 0/8" on My learning, My team and the CSV
    while the guideline report said "acknowledged"."""
    staff = org["staff"]
    clock.advance(timedelta(days=31))
    assert status_of(_guideline_enrollment(db, staff), clock.now()) == OVERDUE
    sign_in(client, staff.email)
    _acknowledge(client)

    enrollment = _guideline_enrollment(db, staff)
    assert status_of(enrollment, clock.now()) == COMPLETED
    assert enrollment.version_id == assigned.id
    assert len(db.scalars(select(LessonProgress).filter_by(enrollment_id=enrollment.id)).all()) == (
        SECTIONS
    )
    assert db.scalar(select(Certificate).filter_by(enrollment_id=enrollment.id)) is not None
    my_learning = client.get("/").get_data(as_text=True)
    assert "Overdue" not in my_learning
    assert f"{SECTIONS} of {SECTIONS}" in my_learning

    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, org["lead"].email)  # the manager
    team = client.get("/reports/team").get_data(as_text=True)
    assert "Overdue" not in team.split("Sia Staff", 1)[1].split("</tr>", 1)[0]
    rows = [
        row for row in _csv_rows(client, "/reports/completions.csv") if row["name"] == "Sia Staff"
    ]
    assert [row["status"] for row in rows] == [COMPLETED]

    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, org["hr"].email)
    acknowledged = {
        row["name"]: row["status"] for row in _csv_rows(client, "/reports/guideline.csv")
    }
    completed = {
        row["name"]: row["status"] for row in _csv_rows(client, "/reports/completions.csv")
    }
    # One truth: whoever is acknowledged is completed, and nobody else.
    assert {name for name, s in acknowledged.items() if s == "acknowledged"} == {"Sia Staff"}
    assert {name for name, s in completed.items() if s == COMPLETED} == {"Sia Staff"}


def test_reading_every_section_without_acknowledging_leaves_the_course_open(
    client, db, org, assigned
):
    staff = org["staff"]
    sign_in(client, staff.email)
    lessons = course_view(db, staff.id, SLUG).lessons
    for lesson in lessons:
        path = f"/courses/{SLUG}/lessons/{lesson.slug}"
        response = client.post(f"{path}/done", data={"csrf_token": csrf_token(client, path)})
    assert "/guideline" in response.headers["Location"]  # asked to acknowledge at the end
    db.rollback()  # see what the requests committed
    view = course_view(db, staff.id, SLUG)
    assert view.enrollment.completed_at is None
    assert view.remaining == (GUIDELINE,)
    _acknowledge(client)
    assert _guideline_enrollment(db, staff).completed_at == clock.now()


def test_the_guideline_has_no_final_quiz_to_pass(client, db, org, assigned):
    """Its questions are practice at the end of their sections: acknowledging is enough."""
    sign_in(client, org["staff"].email)
    assert client.get(f"/courses/{SLUG}/quiz/").status_code == 404
    _acknowledge(client)
    assert _guideline_enrollment(db, org["staff"]).completed_at is not None


def test_a_version_that_asks_everyone_again_opens_a_new_cycle_until_acknowledged(
    client, db, org, assigned
):
    staff = org["staff"]
    sign_in(client, staff.email)
    _acknowledge(client)
    first_cycle = _guideline_enrollment(db, staff)
    assert first_cycle.completed_at is not None

    clock.advance(timedelta(minutes=5))
    pack = without_author_notes(read_pack(PROJECT_ROOT / "courses" / SLUG))
    second = import_pack(db, pack_with_new_line(pack), publish=False).version
    publish_version(db, second, requires_reacknowledgement=True)
    summary = sync_assignments(db)
    db.commit()
    assert summary.recertified == 1  # only the person whose completion stopped counting

    renewed = _guideline_enrollment(db, staff)
    assert (renewed.cycle, status_of(renewed, clock.now())) == (2, NOT_STARTED)
    assert renewed.due_at == clock.now() + timedelta(days=30)
    assert guideline.needs_acknowledgement(db, staff.id)
    assert "Not started" in client.get("/").get_data(as_text=True)

    _acknowledge(client)
    renewed = _guideline_enrollment(db, staff)
    assert renewed.completed_at is not None and renewed.version_id == second.id
    assert sync_assignments(db).recertified == 0  # acknowledged again: nothing more to renew


def pack_with_new_line(pack):
    import dataclasses

    changed = dataclasses.replace(pack.lessons[1], body=pack.lessons[1].body + "\nA new rule.\n")
    return dataclasses.replace(pack, lessons=(pack.lessons[0], changed, *pack.lessons[2:]))


@pytest.fixture
def empty_database(tmp_path):
    """An empty database of the kind under test (SQLite, or PostgreSQL when configured)."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path}/old.sqlite3"
        return
    url = make_url(PG_URL)
    name = f"{url.database}_old_{os.getpid()}"
    admin = url.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        pg.execute(f'CREATE DATABASE "{name}"')
        yield url.set(database=name).render_as_string(hide_password=False)
        pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_migration_completes_guideline_enrollments_acknowledged_before(empty_database):
    """A database written by the old rule: acknowledged, yet "not started" and overdue."""
    from sqlalchemy.orm import Session

    from lms.learning.models import Attestation

    engine = make_engine(empty_database)
    migrations.upgrade(engine, "0010")
    with Session(engine) as session:
        pack = without_author_notes(read_pack(PROJECT_ROOT / "courses" / SLUG))
        version = import_pack(session, pack, publish=True).version
        # People and enrollments as SQL, not the models: the models have columns that
        # schema 0010 does not (employees.language came with 0022).
        people = [
            session.execute(
                text(
                    "INSERT INTO employees (hris_id, email, first_name, last_name, is_active,"
                    " is_hr_admin, session_version, weekly_digest, failed_sign_ins, created_at,"
                    " updated_at) VALUES (:hris_id, :email, :first, 'X', TRUE, FALSE, 1, TRUE, 0,"
                    " '2026-01-01', '2026-01-01') RETURNING id"
                ),
                {"hris_id": f"E{n}", "email": f"p{n}@example.com", "first": f"P{n}"},
            ).scalar_one()
            for n in range(3)
        ]
        start = clock.now() - timedelta(days=40)
        for person in people:
            session.execute(
                text(
                    "INSERT INTO enrollments (employee_id, course_id, cycle, source, assigned_at,"
                    " due_at, recertify_months) VALUES (:person, :course, 1, 'assigned', :start,"
                    " :due, 12)"
                ),
                {
                    "person": person,
                    "course": version.course_id,
                    "start": start.replace(tzinfo=None),
                    "due": (start + timedelta(days=30)).replace(tzinfo=None),
                },
            )
        acknowledged_at = start + timedelta(days=3)
        session.add_all(
            Attestation(employee_id=p, version_id=version.id, acknowledged_at=acknowledged_at)
            for p in people[:2]
        )
        session.commit()
        ids, version_id = people, version.id

    migrations.upgrade(engine)

    with Session(engine) as session:
        enrollments = {
            e.employee_id: e for e in session.scalars(select(Enrollment).order_by(Enrollment.id))
        }
        for person_id in ids[:2]:
            repaired = enrollments[person_id]
            assert status_of(repaired, clock.now()) == COMPLETED
            assert repaired.completed_at == acknowledged_at
            assert repaired.version_id == version_id
            done = session.scalars(select(LessonProgress).filter_by(enrollment_id=repaired.id))
            assert len(done.all()) == SECTIONS
            certificate = session.scalar(select(Certificate).filter_by(enrollment_id=repaired.id))
            assert certificate.valid_until == acknowledged_at.replace(year=acknowledged_at.year + 1)
        assert status_of(enrollments[ids[2]], clock.now()) == OVERDUE  # never acknowledged
    engine.dispose()
