"""The README's first command: `lms demo` prepares the demo organisation and serves it."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from lms import clock
from lms.assignments.models import AssignmentRule
from lms.courses.models import Course
from lms.learning.models import Enrollment
from lms.learning.statuses import (
    COMPLETED,
    COMPLETED_ELSEWHERE,
    EXEMPTED,
    IN_PROGRESS,
    NOT_STARTED,
    OVERDUE,
    status_of,
)
from lms.people.models import Employee
from lms.precheck.services import company_profile, save_profile


def test_demo_prepares_the_organisation_once(runner, db):
    first = runner.invoke(args=["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    assert "created 51, updated 0, deactivated 0, unchanged 0" in first.output
    for role in ("HR admin", "manager (department head)", "manager (team lead)", "employee"):
        assert role in first.output
    again = runner.invoke(args=["demo", "--no-serve"])
    assert "created 0, updated 0, deactivated 0, unchanged 51" in again.output
    assert db.scalar(select(func.count()).select_from(Employee)) == 51
    assert db.scalar(select(func.count()).where(Employee.is_hr_admin)) == 1
    departments = db.scalars(select(Employee.department).distinct()).all()
    assert sorted(departments) == ["Engineering", "Marketing", "Operations", "Sales"]
    assert "social-media-essentials v1, social-media-guideline v1" in first.output


def test_demo_people_speak_several_languages_and_the_sign_ins_follow_their_browser(
    runner, db, client
):
    from lms.demo import DEMO_PASSWORD
    from tests.helpers import sign_in

    result = runner.invoke(args=["demo", "--no-serve"])
    spoken = dict(
        db.execute(select(Employee.language, func.count()).group_by(Employee.language)).all()
    )
    assert set(spoken) == {None, "de", "fr", "es"} and spoken["de"] >= 10, spoken
    berliner = db.scalar(select(Employee).where(Employee.location == "Berlin").limit(1))
    sign_in(client, berliner.email, DEMO_PASSWORD)
    page = client.get("/")
    assert '<html lang="de">' in page.text and ">Startseite</a>" in page.text
    printed = re.findall(r"\S+@example\.com", result.output)  # the demo sign-ins
    assert len(printed) == 4
    chosen = db.scalars(select(Employee.language).where(Employee.email.in_(printed))).all()
    assert chosen == [None] * 4  # the README's walk-through reads in the browser's language


def test_demo_tells_the_precheck_about_the_demo_company_once(runner, db):
    runner.invoke(args=["demo", "--no-serve"])
    profile = company_profile(db)
    assert profile.employer_names == ("Example Co", "Example Company")
    assert "Nightjar" in profile.codenames
    save_profile(db, profile.with_changes(codenames=("Osprey",)), actor_id=None)
    db.commit()
    runner.invoke(args=["demo", "--no-serve"])  # HR's own settings are left alone
    db.rollback()
    assert company_profile(db).codenames == ("Osprey",)


def test_demo_assigns_through_rules_with_every_status_shown(runner, db):
    runner.invoke(args=["demo", "--no-serve"])
    assert db.scalar(select(func.count()).select_from(AssignmentRule)) == 3
    enrollments = db.scalars(select(Enrollment)).all()
    by_course = Counter(enrollment.course_id for enrollment in enrollments)
    guideline = db.scalar(select(Course.id).where(Course.slug == "social-media-guideline"))
    assert by_course[guideline] == 51  # everyone
    assert 40 < len(enrollments) - 51 < 51  # the course: all but the head of Engineering
    statuses = Counter(status_of(enrollment, clock.now()) for enrollment in enrollments)
    assert set(statuses) == {
        COMPLETED,
        IN_PROGRESS,
        NOT_STARTED,
        OVERDUE,
        EXEMPTED,
        COMPLETED_ELSEWHERE,
    }
    assert statuses[EXEMPTED] == statuses[COMPLETED_ELSEWHERE] == 1
    again = runner.invoke(args=["demo", "--no-serve"])
    assert again.exit_code == 0, again.output
    assert len(db.scalars(select(Enrollment)).all()) == len(enrollments)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_demo_serves_the_app(tmp_path: Path):
    port = _free_port()
    env = os.environ | {
        "LMS_DATABASE_URL": f"sqlite:///{tmp_path}/demo.sqlite3",
        "LMS_SECRET_KEY": "demo-test-secret",
    }
    lms = Path(sys.executable).with_name("lms")
    server = subprocess.Popen(
        [str(lms), "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as reply:
                    assert reply.status == 200
                    break
            except OSError:
                assert server.poll() is None, server.communicate()[0]
                assert time.monotonic() < deadline, "the demo server did not start in 60 s"
                time.sleep(0.2)
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    assert "Sign in at" in output


def test_demo_shows_one_guideline_status_everywhere(runner, db, client):
    """Everyone who acknowledged the guideline has completed its course, and nobody else has:
    on My learning, My team, the downloads, the charts and the guideline report alike."""
    import csv
    import io

    from lms.demo import DEMO_PASSWORD
    from lms.reports.guideline_report import ACKNOWLEDGED, GuidelineFilter, guideline_report
    from tests.helpers import sign_in

    runner.invoke(args=["demo", "--no-serve"])
    hr = db.scalar(select(Employee).where(Employee.is_hr_admin))
    sign_in(client, hr.email, DEMO_PASSWORD)

    def rows(path):
        text = client.get(path).get_data(as_text=True).lstrip("\ufeff")
        return list(csv.DictReader(io.StringIO(text)))

    acknowledged = {
        r["email"] for r in rows("/reports/guideline.csv") if r["status"] == ACKNOWLEDGED
    }
    guideline_rows = [
        r for r in rows("/reports/completions.csv") if "guideline" in r["course"].lower()
    ]
    completed = {r["email"] for r in guideline_rows if r["status"] == COMPLETED}
    assert len(guideline_rows) == 51
    assert 10 < len(acknowledged) < 51
    assert completed == acknowledged
    report = guideline_report(db, GuidelineFilter())
    assert report.acknowledged == len(completed)
    # The organisation's charts count the same completions.
    from lms.reports.completions import CompletionFilter
    from lms.reports.organisation import overview

    (charted,) = [
        group for group in overview(db, CompletionFilter()).by_course if "guideline" in group.label
    ]
    assert charted.by_status.get(COMPLETED, 0) == len(completed)
    assert client.get("/reports/organisation").status_code == 200
