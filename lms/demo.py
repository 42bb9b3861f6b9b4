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

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms import clock
from lms.assignments import individual
from lms.assignments.models import AssignmentRule
from lms.assignments.services import RuleSpec, create_rule, sync_assignments
from lms.courses.author_notes import translations_without_notes, without_author_notes
from lms.courses.models import Choice, Course
from lms.courses.pack_translations import read_translations
from lms.courses.packs import read_pack
from lms.courses.services import import_pack
from lms.learning import guideline, quiz
from lms.learning.models import Enrollment
from lms.learning.services import (
    acknowledge_guideline,
    complete_waiting_courses,
    course_view,
    mark_lesson_done,
)
from lms.people.accounts import find_by_email, set_hr_admin, set_password
from lms.people.importer import ImportSummary, import_people
from lms.people.language import set_language
from lms.people.models import Employee
from lms.precheck.models import PrecheckSettings
from lms.precheck.profile import load_profile
from lms.precheck.services import SETTINGS_ID, save_profile

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
        hired = date(2015, 1, 5) + timedelta(days=80 * len(rows))
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


def build_demo(
    session: Session, *, max_bytes: int, packs: Path, precheck_settings: Path | None = None
) -> DemoResult:
    """The demo people with passwords and an HR admin, every pack published, rules assigned,
    and the pre-check told about the demo company (unless HR has set it up already)."""
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
        if employee.password_hash is None:  # the first run: as a new person would set up
            set_password(session, employee, DEMO_PASSWORD)
            set_language(session, employee, _demo_language(row))
        if row is chosen["HR admin"]:
            set_hr_admin(session, employee, True)
    session.flush()
    sign_ins = [
        DemoSignIn(role, f"{row['first_name']} {row['last_name']}", row["email"])
        for role, row in chosen.items()
    ]
    courses = [_publish(session, folder) for folder in sorted(packs.iterdir()) if folder.is_dir()]
    _assign_by_rules(session)
    if precheck_settings is not None and session.get(PrecheckSettings, SETTINGS_ID) is None:
        profile = load_profile(precheck_settings.read_text(), where=str(precheck_settings))
        save_profile(session, profile, actor_id=None)
    return DemoResult(summary, sign_ins, courses)


def _demo_language(row: dict[str, str]) -> str | None:
    """Berlin works in German, the partner team (Québec's resellers) in French, the brand
    team in Spanish; everyone else, the demo sign-ins included, follows their browser."""
    if row["location"] == "Berlin":
        return "de"
    return {"Partners": "fr", "Brand": "es"}.get(row["title"].split()[0])


def _publish(session: Session, folder: Path) -> str:
    """Publish a shipped pack as HR would after filling in the template: its notes for HR
    ("delete this note before you publish") deleted."""
    pack = without_author_notes(read_pack(folder))
    translations = translations_without_notes(read_translations(folder, pack))
    version = import_pack(session, pack, publish=True, translations=translations).version
    return f"{version.course.slug} v{version.number}"


# Each person's courses land in a different state, so the demo shows every status.
DEMO_STATES = ("completed", "in progress", "not started", "overdue")
RULES_AGO = timedelta(days=40)  # the rules look this old, so some due dates have passed


def _demo_rules(session: Session) -> list[RuleSpec]:
    """The guideline for everyone; the course for the customer-facing teams and Engineering."""
    head_of_engineering = session.scalar(
        select(Employee.email).where(Employee.title == "Head of Engineering")
    )
    return [
        RuleSpec("social-media-guideline", "everyone", due_days=30, recertify_months=12),
        RuleSpec(
            "social-media-essentials",
            "departments",
            ("Marketing", "Sales", "Operations"),
            due_days=60,
            recertify_months=24,
        ),
        RuleSpec(
            "social-media-essentials", "manager", manager_email=head_of_engineering, due_days=90
        ),
    ]


def _assign_by_rules(session: Session) -> None:
    """Assign through rules made 40 days ago, then move each enrollment on to a demo state."""
    if session.scalar(select(AssignmentRule.id).limit(1)) is None:
        with clock.as_of(clock.now() - RULES_AGO):
            for spec in _demo_rules(session):
                create_rule(session, spec, actor_id=None)
            sync_assignments(session)
    sync_assignments(session)  # people added to the demo since its first run
    if session.scalar(select(func.count()).where(Enrollment.started_at.is_not(None))):
        return  # the demo's history is already written
    fresh = session.execute(
        select(Enrollment.employee_id, Course)
        .join(Course, Enrollment.course_id == Course.id)
        .order_by(Enrollment.employee_id, Course.slug)
    ).all()
    for employee_id, course in fresh:
        state = DEMO_STATES[(employee_id + course.id) % len(DEMO_STATES)]
        _progress(session, employee_id, course, state)
    _hr_decisions(session)


def _hr_decisions(session: Session) -> None:
    """One exemption and one classroom completion, so HR sees how they are shown."""
    hr = session.scalar(select(Employee.id).where(Employee.is_hr_admin))
    untouched = session.scalars(
        select(Enrollment.employee_id)
        .join(Course, Enrollment.course_id == Course.id)
        .where(Course.slug == "social-media-essentials", Enrollment.started_at.is_(None))
        .order_by(Enrollment.employee_id.desc())
        .limit(2)
    ).all()
    exempted, classroom = untouched
    individual.exempt(
        session,
        exempted,
        "social-media-essentials",
        "Joined from our agency, where they took the same training last month.",
        actor_id=hr,
    )
    individual.record_completion(
        session,
        classroom,
        "social-media-essentials",
        (clock.now() - timedelta(days=10)).date(),
        "Took the classroom session in London.",
        actor_id=hr,
    )


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
        if course.kind == "course":  # the guideline is completed by acknowledging it
            _pass_quiz(session, employee_id, course)
        status = guideline.guideline_status(session, employee_id)
        if status is not None and status.must_acknowledge:
            acknowledge_guideline(session, employee_id, status.current, "127.0.0.1")
        complete_waiting_courses(session, employee_id)
