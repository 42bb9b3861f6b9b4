"""`lms demo`: a small, believable organisation to try Postwise with, built idempotently.

The people go through the same HRIS import as a real company's file, so the demo exercises
the real code path and a second run reports every person unchanged.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import clock
from lms.courses.models import Choice, Course
from lms.courses.packs import read_pack
from lms.courses.services import import_pack
from lms.learning import guideline, quiz
from lms.learning.services import (
    assign,
    complete_waiting_courses,
    course_view,
    find_enrollment,
    mark_lesson_done,
)
from lms.people.accounts import find_by_email, set_hr_admin, set_password
from lms.people.importer import ImportSummary, import_people
from lms.people.models import Employee

DEMO_PASSWORD = "harbour-lantern-orbit-42"  # noqa: S105 - printed for the demo sign-ins
DOMAIN = "example.com"
DEPARTMENTS = {
    "Engineering": ("Berlin", ["Platform", "Mobile"]),
    "Marketing": ("London", ["Brand", "Content"]),
    "Sales": ("Toronto", ["Enterprise", "Partners"]),
    "Operations": ("London", ["People"]),
}
FIRST_NAMES = (
    "Amara",
    "Ben",
    "Chloe",
    "Dev",
    "Elif",
    "Farid",
    "Grace",
    "Hugo",
    "Ines",
    "Jonas",
    "Kiri",
    "Lena",
    "Malik",
    "Nora",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
    "Umar",
    "Vera",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Aiko",
    "Bruno",
    "Carmen",
    "Dario",
    "Esme",
    "Felix",
    "Gita",
    "Hana",
    "Ivan",
    "Jade",
    "Kofi",
    "Lucia",
    "Mateo",
    "Nadia",
    "Oskar",
    "Paula",
    "Rafael",
    "Sofia",
    "Tomas",
    "Uma",
    "Viktor",
    "Willa",
    "Yara",
    "Zane",
    "Iris",
)
LAST_NAMES = (
    "Okafor",
    "Meyer",
    "Laurent",
    "Patel",
    "Yilmaz",
    "Haddad",
    "Kim",
    "Moreau",
    "Silva",
    "Berg",
    "Tane",
    "Novak",
    "Rahman",
    "Ortiz",
    "Aziz",
    "Iyer",
    "Walsh",
    "Costa",
    "Lindqvist",
    "Reid",
    "Sheikh",
    "Petrov",
    "Zhang",
    "Ruiz",
    "Demir",
    "Fischer",
    "Tanaka",
    "Alves",
    "Romero",
    "Greco",
    "Hart",
    "Vogel",
    "Rao",
    "Sato",
    "Markovic",
    "Brooks",
    "Mensah",
    "Ferreira",
    "Castro",
    "Nilsen",
    "Brandt",
    "Lopes",
    "Duarte",
    "Ricci",
    "Horvat",
    "Nair",
    "Sokolov",
    "Grant",
    "Saleh",
    "Wright",
    "Quist",
)


@dataclass(frozen=True)
class DemoSignIn:
    role: str
    name: str
    email: str


@dataclass(frozen=True)
class DemoResult:
    summary: ImportSummary
    sign_ins: list[DemoSignIn]
    courses: list[str]  # "slug vN"


def demo_people_csv() -> bytes:
    """The demo organisation as an HRIS export: a CEO, department heads, team leads, staff."""
    rows: list[dict[str, str]] = []
    names = iter(zip(FIRST_NAMES, LAST_NAMES, strict=True))

    def add(department: str, title: str, location: str, manager: str) -> str:
        first, last = next(names)
        hris_id = f"E{len(rows) + 1001}"
        hired = date(2015, 1, 5) + timedelta(days=97 * len(rows))
        rows.append(
            {
                "employee_id": hris_id,
                "email": f"{first}.{last}@{DOMAIN}".lower(),
                "first_name": first,
                "last_name": last,
                "department": department,
                "title": title,
                "location": location,
                "manager_id": manager,
                "hire_date": hired.isoformat(),
                "status": "active",
            }
        )
        return hris_id

    ceo = add("Operations", "Chief Executive", "London", "")
    for department, (location, teams) in DEPARTMENTS.items():
        head = add(department, f"Head of {department}", location, ceo)
        for team in teams:
            lead = add(department, f"{team} Lead", location, head)
            staff = 2 if department == "Operations" else 6
            for _ in range(staff):
                add(department, f"{team} Specialist", location, lead)
    hr_lead = next(row for row in rows if row["title"] == "People Lead")
    add("Operations", "HR Business Partner", "London", hr_lead["employee_id"])

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def build_demo(session: Session, *, max_bytes: int, packs: Path) -> DemoResult:
    """The demo people with passwords and an HR admin, every pack published, everyone enrolled."""
    data = demo_people_csv()
    summary = import_people(session, data, max_bytes=max_bytes)
    records = list(csv.DictReader(io.StringIO(data.decode())))
    by_title = {row["title"]: row for row in records}
    chosen = {
        "HR admin": by_title["HR Business Partner"],
        "manager (department head)": by_title["Head of Marketing"],
        "manager (team lead)": by_title["Content Lead"],
        "employee": next(row for row in records if row["title"] == "Content Specialist"),
    }
    for row in records:
        employee = find_by_email(session, row["email"])
        assert employee is not None
        if employee.password_hash is None:
            set_password(session, employee, DEMO_PASSWORD)
        if row is chosen["HR admin"]:
            set_hr_admin(session, employee, True)
    session.flush()
    sign_ins = [
        DemoSignIn(role, f"{row['first_name']} {row['last_name']}", row["email"])
        for role, row in chosen.items()
    ]
    courses = [_publish(session, folder) for folder in sorted(packs.iterdir()) if folder.is_dir()]
    _enrol_everyone(session)
    return DemoResult(summary, sign_ins, courses)


def _publish(session: Session, folder: Path) -> str:
    version = import_pack(session, read_pack(folder), publish=True).version
    return f"{version.course.slug} v{version.number}"


# Each person's courses land in a different state, so the demo shows every status.
DEMO_STATES = ("completed", "in progress", "not started", "overdue")


def _enrol_everyone(session: Session) -> None:
    """Until assignment rules exist: everyone active takes every course, due dates spread."""
    now = clock.now()
    courses = list(session.scalars(select(Course).order_by(Course.slug)))
    people = session.scalars(select(Employee).where(Employee.is_active).order_by(Employee.id))
    for n, person in enumerate(people):
        for c, course in enumerate(courses):
            if find_enrollment(session, person.id, course.slug) is not None:
                continue
            state = DEMO_STATES[(n + c) % len(DEMO_STATES)]
            due = now + timedelta(days=-5 if state == "overdue" else 14 + 7 * (n % 4))
            assign(session, person.id, course.id, due)
            _progress(session, person.id, course, state)


def _pass_quiz(session: Session, employee_id: int, course: Course) -> None:
    """Answer the course's quiz correctly, as a diligent demo employee would."""
    draw = random.Random(employee_id)  # noqa: S311 - a repeatable demo, not a secret
    attempt = quiz.start_attempt(session, employee_id, course.slug, draw)
    selections = {
        str(drawn.question_id): [
            str(choice.id)
            for choice in session.scalars(
                select(Choice).where(Choice.question_id == drawn.question_id, Choice.is_correct)
            )
        ]
        for drawn in attempt.questions
    }
    quiz.submit_attempt(session, employee_id, course.slug, attempt.number, selections)


def _progress(session: Session, employee_id: int, course: Course, state: str) -> None:
    lessons = course_view(session, employee_id, course.slug).lessons
    done = {"completed": len(lessons), "in progress": 2, "overdue": 1}.get(state, 0)
    for lesson in lessons[:done]:
        mark_lesson_done(session, employee_id, course.slug, lesson.slug)
    if state == "completed":
        _pass_quiz(session, employee_id, course)
        status = guideline.guideline_status(session, employee_id)
        if status is not None and status.must_acknowledge:
            guideline.acknowledge(session, employee_id, status.current, "127.0.0.1")
        complete_waiting_courses(session, employee_id)
