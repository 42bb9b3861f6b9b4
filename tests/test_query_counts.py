"""Pages run a fixed number of SQL statements whatever the data size: counted at two sizes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import event

from lms import clock
from lms.dbsession import database
from lms.learning.models import QuizAttempt
from lms.mail.outbox import Draft, enqueue
from lms.mail.render import render
from lms.people.models import Employee

ESSENTIALS = "social-media-essentials"


def _grow(db, org, shipped_courses, enrol, make_employee, people: int) -> None:
    """Add people to the team lead's line, each with both courses in varied states."""
    for n in range(people):
        person = make_employee(manager_id=org["lead"].id, password=None, department=f"D{n % 3}")
        for version in shipped_courses.values():
            enrollment = enrol(person, version, due_at=clock.now() + timedelta(days=n - 5))
            if n % 2:
                enrollment.version_id = version.id
                enrollment.started_at = clock.now() - timedelta(days=1)
                db.add(
                    QuizAttempt(
                        enrollment_id=enrollment.id,
                        version_id=version.id,
                        number=1,
                        started_at=clock.now(),
                    )
                )
            if n % 3 == 0:
                enrollment.completed_at = clock.now() - timedelta(days=n)
        reminder = render("overdue", **_reminder_context(person, version))
        enqueue(
            db,
            [Draft(f"grow:{person.id}", "overdue", person.email, person.id, reminder)],
            sender="Postwise <training@postwise.test>",
        )
    db.commit()


def _reminder_context(person: Employee, version) -> dict[str, object]:
    link = "http://postwise.test/"
    return {
        "person": person,
        "course": version,
        "due_at": clock.now(),
        "course_url": link,
        "sign_in_url": link,
        "forgot_url": link,
        "settings_url": link,
    }


def _statements(app, client, path: str) -> int:
    engine = database(app).engine
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
        assert response.status_code == 200, path
        response.close()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


PAGES: dict[str, tuple[str, Callable[[dict[str, Employee]], str]]] = {
    "my learning": ("staff", lambda o: "/"),
    "a course": ("staff", lambda o: f"/courses/{ESSENTIALS}"),
    "a manager's home": ("lead", lambda o: "/"),
    "my team": ("lead", lambda o: "/reports/team"),
    "my team filtered": ("lead", lambda o: "/reports/team?status=overdue&sort=-due&page=2"),
    "people in my team": ("lead", lambda o: "/people/"),
    "a person": ("lead", lambda o: f"/people/{o['staff'].id}"),
    "everyone's records": ("hr", lambda o: "/reports/team?inactive=y"),
    "organisation": ("hr", lambda o: "/reports/organisation"),
    "guideline report": ("hr", lambda o: "/reports/guideline?status=not+acknowledged"),
    "assignment rules": ("hr", lambda o: "/admin/rules/"),
    "outbox": ("hr", lambda o: "/mail/outbox"),
    "email settings": ("lead", lambda o: "/settings/email"),
    "practice history": ("staff", lambda o: "/practice/drafts"),
    "purpose self-assessment": ("staff", lambda o: "/practice/purpose"),
    "purpose averages": ("hr", lambda o: "/reports/purpose"),
}


@pytest.mark.parametrize(("role", "path"), PAGES.values(), ids=PAGES.keys())
def test_statements_do_not_grow_with_the_data(
    app, make_app, db, org, shipped_courses, enrol, make_employee, login, role, path
):
    for version in shipped_courses.values():
        enrol(org["staff"], version)
    _grow(db, org, shipped_courses, enrol, make_employee, people=3)
    client = login(org[role])
    url = path(org)
    client.get(url).close()  # a first view may do once-a-quarter work: publishing purpose figures
    small = _statements(app, client, url)
    _grow(db, org, shipped_courses, enrol, make_employee, people=60)
    large = _statements(app, client, url)
    assert small == large, f"{url}: {small} statements with 5 people, {large} with 65"
