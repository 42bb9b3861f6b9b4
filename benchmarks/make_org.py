"""Build a large, realistic organisation in a database, for the reporting benchmarks.

Reports are only worth timing on data shaped like a real company's: a reporting tree eight
levels deep, leavers, every course in every state, recertification, quiz attempts and lesson
progress. The app's own services would take hours to make that much history one action at a
time, so this script writes it straight into the tables with bulk inserts, in one
transaction. The courses alone go through the normal pack import, so they are exactly what
HR would publish.

    LMS_DATABASE_URL=sqlite:////tmp/org.sqlite3 .venv/bin/python benchmarks/make_org.py
    LMS_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postwise_bench_reports \\
        .venv/bin/python benchmarks/make_org.py --employees 100000 [--seed S] [--replace]

Everyone's password is bench-password-123456. Three people are there for the benchmarks to
sign in as: manager2000@bench.example.com, whose reporting line holds exactly 2,000 people,
active and inactive (fewer in an organisation under about 16,000); learner@bench.example.com,
an employee without reports with five courses in mixed states; hr@bench.example.com, an HR
admin, for the organisation-wide reports. The same seed gives the same organisation; dates
are relative to the moment the script runs.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import statistics
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, case, func, inspect, literal, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, aliased

from lms import clock, migrations
from lms.courses.author_notes import without_author_notes
from lms.courses.models import Course
from lms.courses.packs import (
    ChoiceSource,
    CoursePack,
    LessonSource,
    QuestionSource,
    QuizSettings,
    read_pack,
    write_pack,
)
from lms.courses.services import import_pack
from lms.db import Base, make_engine
from lms.learning.models import Attestation, Enrollment, LessonProgress, QuizAttempt
from lms.learning.statuses import (
    COMPLETED,
    COMPLETED_ELSEWHERE,
    EXEMPTED,
    IN_PROGRESS,
    NOT_STARTED,
    OVERDUE,
    status_of,
    status_sql,
)
from lms.people.models import Employee
from lms.people.org import reporting_line, reporting_line_size
from lms.people.passwords import hash_password

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_people import FIRST_NAMES, LAST_NAMES, SYLLABLES

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = "bench.example.com"
PASSWORD = "bench-password-123456"  # noqa: S105 - printed, so the benchmarks can sign in
MANAGER_EMAIL = f"manager2000@{DOMAIN}"
LEARNER_EMAIL = f"learner@{DOMAIN}"
HR_EMAIL = f"hr@{DOMAIN}"
MANAGER_LINE = 2000
MIN_EMPLOYEES = 100
MAX_LEVEL = 8  # the CEO is level 1
SPAN = (4, 10)  # direct reports of a manager
INACTIVE_SHARE = 0.02
BATCH = 5000
HISTORY = timedelta(days=548)  # assignments reach back 18 months
LAUNCH = timedelta(days=580)  # the courses were published a little before the first one
WITHDRAWN = "withdrawn"
# Enrollment outcomes, in percent: what a year and a half of a compliance programme leaves.
STATE_WEIGHTS = {
    NOT_STARTED: 20,
    IN_PROGRESS: 20,
    COMPLETED: 45,
    OVERDUE: 10,
    EXEMPTED: 2,
    COMPLETED_ELSEWHERE: 2,
    WITHDRAWN: 1,
}
# A second guideline cycle is recent, so it is never withdrawn or recorded from elsewhere.
CYCLE_TWO_WEIGHTS = {COMPLETED: 45, IN_PROGRESS: 20, NOT_STARTED: 20, OVERDUE: 15}
# When the dates a person allows cannot give an outcome (a recent hire cannot be overdue),
# the nearest outcome they can give.
FALLBACK = {OVERDUE: IN_PROGRESS, IN_PROGRESS: OVERDUE, NOT_STARTED: OVERDUE}
RECERTIFIED_SHARE = 0.05
GUIDELINE_SLUG = "social-media-guideline"
EXEMPTION_REASONS = (
    "On long-term leave until next quarter",
    "Works offline; no access to company social accounts",
    "Covered by the acquired company's training until integration",
    "Works council agreement for this site",
)
ELSEWHERE_REASONS = (
    "Completed in a classroom session",
    "Completed the equivalent course at the partner agency",
    "Attended the in-person workshop in Berlin",
)


@dataclass(frozen=True)
class Department:
    name: str
    weight: int
    locations: tuple[str, ...]
    roles: tuple[str, ...]


DEPARTMENTS = (
    Department("Engineering", 22, ("Berlin", "Kraków", "Bengaluru"),
               ("Software Engineer", "Senior Software Engineer", "QA Engineer", "SRE")),
    Department("Sales", 16, ("New York", "London", "São Paulo"),
               ("Account Executive", "Sales Development Rep", "Sales Engineer")),
    Department("Customer Success", 12, ("Toronto", "Manchester"),
               ("Support Specialist", "Customer Success Manager")),
    Department("Operations", 9, ("Kraków", "Toronto"),
               ("Operations Analyst", "Logistics Coordinator")),
    Department("Marketing", 7, ("London", "New York"),
               ("Content Strategist", "Social Media Specialist", "Designer")),
    Department("Product", 6, ("Berlin", "London"),
               ("Product Manager", "UX Researcher", "Product Designer")),
    Department("Finance", 5, ("London", "New York"),
               ("Accountant", "Financial Analyst", "Payroll Specialist")),
    Department("IT", 5, ("Bengaluru", "Kraków"),
               ("IT Support Engineer", "Systems Administrator")),
    Department("People", 4, ("Manchester", "Berlin"),
               ("HR Business Partner", "Recruiter", "People Operations Specialist")),
    Department("Research", 4, ("Zürich", "Bengaluru"), ("Research Scientist", "Data Scientist")),
    Department("Facilities", 3, ("London", "Toronto"),
               ("Facilities Coordinator", "Office Manager")),
    Department("Legal", 2, ("London", "Zürich"), ("Counsel", "Paralegal", "Compliance Analyst")),
)  # fmt: skip
MANAGER_TITLES = {3: "Director", 4: "Senior Manager", 5: "Manager", 6: "Team Lead", 7: "Team Lead"}
# Names a spreadsheet would run as formulas: the CSV and XLSX exports must neutralise them.
FORMULA_NAMES = (
    ("Eve", '=HYPERLINK("http://x","click")'),
    ("@SUM(1)", "Adams"),
    ("Carl", "+SUM(1+1)"),
    ("-2+3", "Dash"),
    ("Dee", "=1+1"),
)
# Three more courses, so a team report has five columns; written as packs and imported.
GENERATED_COURSES = (
    ("building-your-profile", "Building a professional profile", "getting-started",
     ("Choose a photo and headline", "Write an about section", "Show your work",
      "Ask for recommendations")),
    ("social-selling", "Social selling for customer-facing teams", "sharing-opportunity",
     ("Listen before you pitch", "Share useful content", "Start conversations",
      "Hand over to sales", "Measure what works")),
    ("responding-to-criticism", "Responding to criticism online", "pitfalls",
     ("Pause before replying", "When to answer in public", "Escalate to the right team",
      "Correct mistakes openly", "Look after yourself", "Learn from the thread")),
)  # fmt: skip
# The first wave of each course's assignments, days ago: the completions chart's peaks.
CAMPAIGN_DAYS_AGO = (420, 300, 200, 120, 60)
_ASCII_FOLD = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss", "\u0131": "i"})


def log(message: str) -> None:
    """Progress goes to stderr, so stdout holds only the summary."""
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the people


@dataclass(slots=True)
class Person:
    id: int
    manager_id: int | None
    level: int
    department: str
    location: str
    title: str
    hire_date: date
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    is_active: bool = True
    is_hr_admin: bool = False
    reports: int = 0


@dataclass
class Org:
    people: list[Person]
    manager: Person  # manager2000
    line: list[Person]  # everyone below manager2000
    learner: Person


def capacity(level: int) -> int:
    """The most people that fit below someone at `level` with teams of at most 10."""
    return sum(SPAN[1] ** depth for depth in range(1, MAX_LEVEL - level + 1))


class OrgBuilder:
    """Grows the reporting tree top-down, so a manager is always made before their reports."""

    def __init__(self, rng: random.Random, size: int, today: date) -> None:
        self.rng = rng
        # Ids in random order, as an HRIS import leaves them: a team's ids are not adjacent.
        self.ids = iter(rng.sample(range(1, size + 1), size))
        self.today = today
        self.people: list[Person] = []

    def add(self, manager: Person | None, department: Department, title: str, place: str) -> Person:
        """One person reporting to `manager`, hired some time in the last ten years."""
        # Managers have mostly been here a while; new hires are individual contributors.
        first_day = 400 if title not in department.roles else 7
        person = Person(
            id=next(self.ids),
            manager_id=manager.id if manager else None,
            level=manager.level + 1 if manager else 1,
            department=department.name,
            location=place,
            title=title,
            hire_date=self.today - timedelta(days=self.rng.randint(first_day, 3650)),
        )
        if manager is not None:
            manager.reports += 1
        self.people.append(person)
        return person

    def grow(self, manager: Person, department: Department, count: int, *, deep: bool) -> None:
        """Place `count` people below `manager`, in teams of 4 to 10, never below level 8.

        With `deep`, one chain is kept long enough to reach level 8, so the deepest lines
        the reports must handle are there even in a small organisation.
        """
        if count == 0:
            return
        level = manager.level + 1  # of the direct reports
        deep = deep and manager.level < MAX_LEVEL - 1 and count >= MAX_LEVEL - manager.level
        if level == MAX_LEVEL or (count <= SPAN[1] and not deep):
            for _ in range(count):
                self._report(manager, department, 0)
            return
        below = capacity(level)  # the most one direct report can have below them
        needed = MAX_LEVEL - level  # what one report needs below them to reach level 8
        team = max(self.rng.randint(*SPAN), math.ceil(count / (below + 1)))
        team = min(team, count - needed if deep else count)
        rest = count - team
        leads = min(team, max(math.ceil(rest / 8), math.ceil(rest / below))) if rest else 0
        shares = self._split(rest, leads, below) + [0] * (team - leads)
        deepest = max(range(team), key=shares.__getitem__) if deep else -1
        if deep and shares[deepest] < needed:
            for other in range(team):
                moved = min(shares[other], needed - shares[deepest]) if other != deepest else 0
                shares[other] -= moved
                shares[deepest] += moved
        for position, share in enumerate(shares):
            report = self._report(manager, department, share)
            self.grow(report, department, share, deep=position == deepest)

    def _report(self, manager: Person, department: Department, below: int) -> Person:
        level = manager.level + 1
        title = (
            f"{MANAGER_TITLES[level]}, {department.name}"
            if below
            else self.rng.choice(department.roles)
        )
        stays = self.rng.random() < 0.85  # most of a team works where its manager does
        place = manager.location if stays else self.rng.choice(department.locations)
        return self.add(manager, department, title, place)

    def _split(self, total: int, parts: int, cap: int) -> list[int]:
        """`total` shared unevenly among `parts`, none above `cap` (some teams are large)."""
        assert parts * cap >= total
        weights = [self.rng.uniform(0.3, 1.7) for _ in range(parts)]
        scale = total / sum(weights)
        shares = [min(cap, int(weight * scale)) for weight in weights]
        short = total - sum(shares)
        while short:
            for index in range(parts):
                if short and shares[index] < cap:
                    shares[index] += 1
                    short -= 1
        return shares


def build_org(rng: random.Random, size: int, today: date) -> Org:
    """A company of `size`: a CEO, twelve departments, and the well-known people placed."""
    builder = OrgBuilder(rng, size, today)
    operations = next(d for d in DEPARTMENTS if d.name == "Operations")
    ceo = builder.add(None, operations, "Chief Executive Officer", "London")
    manager, line, heads = None, [], {}
    for department, headcount in zip(
        DEPARTMENTS, _shares(size - 1, [d.weight for d in DEPARTMENTS]), strict=True
    ):
        head = builder.add(ceo, department, f"SVP, {department.name}", department.locations[0])
        heads[department.name] = head
        rest = headcount - 1
        if department.name == "Sales":
            # manager2000: a VP whose line is built to an exact size, several levels deep.
            manager = builder.add(head, department, "VP, Sales EMEA", "London")
            line_size = min(MANAGER_LINE, rest * 3 // 4)
            start = len(builder.people)
            builder.grow(manager, department, line_size, deep=True)
            line = builder.people[start:]
            rest -= line_size + 1
        builder.grow(head, department, rest, deep=department is DEPARTMENTS[0])
    assert manager is not None
    people = builder.people
    _name_everyone(rng, people)

    manager.email = MANAGER_EMAIL
    heads["People"].email, heads["People"].is_hr_admin = HR_EMAIL, True
    in_line = {person.id for person in line}
    staff = [p for p in people if p.reports == 0 and p.level >= 4]
    outside = [p for p in staff if p.id not in in_line and p.department != "Sales"]
    learner = rng.choice(outside)
    learner.email, learner.first_name, learner.last_name = LEARNER_EMAIL, "Lena", "Learner"
    learner.hire_date = today - timedelta(days=1200)  # long enough for every outcome
    inside = [p for p in line if p.reports == 0]
    formula = rng.sample(inside, 3) + rng.sample([p for p in outside if p is not learner], 2)
    for person, (first, last) in zip(formula, FORMULA_NAMES, strict=True):
        person.first_name, person.last_name = first, last
    special = {learner.id, *(p.id for p in formula)}
    leavers = [p for p in people if p.reports == 0 and p.id not in special]
    for person in rng.sample(leavers, round(size * INACTIVE_SHARE)):
        person.is_active = False
    return Org(people, manager, line, learner)


def _shares(total: int, weights: list[int]) -> list[int]:
    """`total` shared out in proportion to `weights`, summing exactly to `total`."""
    shares = [total * weight // sum(weights) for weight in weights]
    shares[0] += total - sum(shares)
    return shares


def _name_everyone(rng: random.Random, people: list[Person]) -> None:
    """Real and made-up names, with first.last emails numbered when two people share one."""
    seen: Counter[str] = Counter()
    for person in people:
        person.first_name = rng.choice(FIRST_NAMES) if rng.random() < 0.8 else _made_up(rng, 2)
        person.last_name = rng.choice(LAST_NAMES) if rng.random() < 0.4 else _made_up(rng, 3)
        local = f"{_email_part(person.first_name)}.{_email_part(person.last_name)}"
        seen[local] += 1
        number = seen[local] if seen[local] > 1 else ""
        person.email = f"{local}{number}@{DOMAIN}"


def _made_up(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables)).capitalize()


def _email_part(name: str) -> str:
    """How HR spells a name in an address: ASCII, lower case, letters only (José → jose)."""
    folded = unicodedata.normalize("NFKD", name.translate(_ASCII_FOLD))
    return re.sub(r"[^a-z]", "", folded.encode("ascii", "ignore").decode().lower())


def employee_rows(people: list[Person], password_hash: str, now: datetime) -> list[dict[str, Any]]:
    """The employees rows, managers first: the manager_id foreign key is checked per row."""
    launch = now - LAUNCH
    rows = []
    for person in sorted(people, key=lambda p: (p.level, p.id)):
        created = max(launch, _morning(person.hire_date))
        rows.append(
            {
                "id": person.id,
                "hris_id": f"B{person.id:07d}",
                "email": person.email,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "department": person.department,
                "title": person.title,
                "location": person.location,
                "manager_id": person.manager_id,
                "hire_date": person.hire_date,
                "is_active": person.is_active,
                "is_hr_admin": person.is_hr_admin,
                "password_hash": password_hash,
                "session_version": 1,
                "failed_sign_ins": 0,
                "failed_sign_in_since": None,
                "locked_until": None,
                "created_at": created,
                "updated_at": created,
            }
        )
    return rows


def _morning(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC)


# ---------------------------------------------------------------- the courses


@dataclass(frozen=True)
class CourseInfo:
    """What the history needs to know about a published course."""

    slug: str
    course_id: int
    version_id: int
    kind: str
    pass_mark: int
    max_attempts: int | None
    requires_guideline: bool
    lesson_ids: tuple[int, ...]


def generated_pack(slug: str, title: str, topic: str, lesson_titles: tuple[str, ...]) -> CoursePack:
    """A small course in the pack format: lessons with an exercise, two questions each."""
    lessons = tuple(
        LessonSource(
            position=position,
            slug=re.sub(r"[^a-z0-9]+", "-", lesson_title.lower()).strip("-"),
            title=lesson_title,
            topic=topic,
            minutes=4 + position % 4,
            body=f"{lesson_title} is one step of *{title}*. Read it through once, then try "
            "the exercise: it takes ten minutes.\n\n## Try this\n\nPick one post you made "
            "this month and check it against this lesson.\n",
        )
        for position, lesson_title in enumerate(lesson_titles, start=1)
    )
    questions = []
    for lesson in lessons:
        questions.append(
            QuestionSource(
                key=f"{lesson.slug}-first-step",
                kind="single",
                prompt=f'What does the lesson "{lesson.title}" ask you to do first?',
                choices=(
                    ChoiceSource("Try its exercise on a post of your own.", True, "Right."),
                    ChoiceSource("Nothing; it is for managers.", False, "It is for everyone."),
                    ChoiceSource("Wait for a colleague to try it.", False, "Start yourself."),
                ),
                explanation="Each lesson ends with an exercise on your own posts.",
                lesson=lesson.slug,
            )
        )
        questions.append(
            QuestionSource(
                key=f"{lesson.slug}-ten-minutes",
                kind="true_false",
                prompt=f'The exercise in "{lesson.title}" takes about ten minutes.',
                choices=(ChoiceSource("True", True), ChoiceSource("False")),
                explanation="The exercises are short on purpose, so you do them today.",
                lesson=lesson.slug,
            )
        )
    return CoursePack(
        slug=slug,
        title=title,
        summary=f"{title}: {len(lessons)} short lessons, each with an exercise.",
        minutes=sum(lesson.minutes for lesson in lessons),
        kind="course",
        requires_guideline=False,
        quiz=QuizSettings(pass_mark=80, max_attempts=3, draw=None),
        lessons=lessons,
        questions=tuple(questions),
    )


def import_courses(connection: Connection, now: datetime) -> list[CourseInfo]:
    """The shipped packs and three generated ones, through the real pack reader and import.

    Published "before the first assignment", so no completion predates its version.
    """
    with tempfile.TemporaryDirectory(prefix="postwise-packs-") as workdir:
        folders = [ROOT / "courses" / "social-media-essentials", ROOT / "courses" / GUIDELINE_SLUG]
        for slug, title, topic, lesson_titles in GENERATED_COURSES:
            folders.append(Path(workdir) / slug)
            write_pack(generated_pack(slug, title, topic, lesson_titles), folders[-1])
        packs = [without_author_notes(read_pack(folder)) for folder in folders]
    courses = []
    with Session(bind=connection) as session, clock.as_of(now - LAUNCH):
        for pack in packs:
            version = import_pack(session, pack, publish=True).version
            session.flush()
            courses.append(
                CourseInfo(
                    slug=pack.slug,
                    course_id=version.course_id,
                    version_id=version.id,
                    kind=pack.kind,
                    pass_mark=version.pass_mark,
                    max_attempts=version.max_attempts,
                    requires_guideline=version.requires_guideline,
                    lesson_ids=tuple(lesson.id for lesson in version.lessons),
                )
            )
    return courses


# ---------------------------------------------------------------- writing


class Writer:
    """Buffers rows per table and inserts them in batches, parents before children.

    Every flush writes all tables in the order given, so an attempt never reaches the
    database before its enrollment. Ids are assigned here: no round trip per row.
    """

    def __init__(self, connection: Connection, names: Iterable[str]) -> None:
        self.connection = connection
        self.tables = [Base.metadata.tables[name] for name in names]
        self.rows: dict[str, list[dict[str, Any]]] = {table.name: [] for table in self.tables}
        self.next_id = dict.fromkeys(self.rows, 1)
        self.counts: Counter[str] = Counter()

    def add(self, name: str, row: dict[str, Any]) -> int:
        """Queue one row (given an id unless it has one); returns the id."""
        if "id" not in row:
            row["id"] = self.next_id[name]
            self.next_id[name] += 1
        self.rows[name].append(row)
        if len(self.rows[name]) >= BATCH:
            self.flush()
        return row["id"]

    def flush(self) -> None:
        """Insert everything queued."""
        for table in self.tables:
            rows = self.rows[table.name]
            if rows:
                self.connection.execute(table.insert(), rows)
                self.counts[table.name] += len(rows)
                rows.clear()


# ---------------------------------------------------------------- the history


class History:
    """A year and a half of assignments and what people did with them, for every person."""

    def __init__(
        self, rng: random.Random, now: datetime, courses: list[CourseInfo], writer: Writer
    ) -> None:
        self.rng = rng
        self.now = now
        self.courses = courses
        self.writer = writer
        self.campaigns = {
            course.slug: now - timedelta(days=days)
            for course, days in zip(courses, CAMPAIGN_DAYS_AGO, strict=True)
        }
        self.guideline = next(course for course in courses if course.kind == "guideline")
        self.acknowledged: dict[int, datetime] = {}  # employee id -> first acknowledgement
        self.states = list(STATE_WEIGHTS)
        self.weights = list(STATE_WEIGHTS.values())

    def write(self, org: Org, per_person: int) -> None:
        """Every person's enrollments, course by course, as the assignment sync makes them."""
        people = sorted(org.people, key=lambda person: person.id)
        others = [course for course in self.courses if course is not self.guideline]
        chosen: dict[int, set[str]] = {}
        for person in people:
            picked = [self.guideline, *self.rng.sample(others, per_person - 1)]
            chosen[person.id] = {course.slug for course in picked}
        # The learner's five courses show five different outcomes.
        learner_states = dict(
            zip(
                [c.slug for c in self.courses],
                (IN_PROGRESS, COMPLETED, NOT_STARTED, OVERDUE, COMPLETED),
                strict=True,
            )
        )
        for course in self.courses:
            for person in people:
                if course.slug not in chosen[person.id]:
                    continue
                earliest = max(self.now - HISTORY, _morning(person.hire_date))
                if person is org.learner:
                    state = learner_states[course.slug]
                    self.enroll(person, course, state, earliest, source="assigned")
                elif (
                    course is self.guideline
                    and earliest < self.now - timedelta(days=400)
                    and self.rng.random() < RECERTIFIED_SHARE
                ):
                    self.recertified(person, course, earliest)
                else:
                    state = self.rng.choices(self.states, self.weights)[0]
                    self.enroll(person, course, state, earliest)
        for employee_id, moment in sorted(self.acknowledged.items()):
            self.writer.add(
                "attestations",
                {
                    "employee_id": employee_id,
                    "version_id": self.guideline.version_id,
                    "acknowledged_at": moment,
                    "ip_address": f"10.{self.rng.randrange(256)}.{self.rng.randrange(256)}."
                    f"{self.rng.randrange(1, 255)}",
                },
            )
        self.writer.flush()

    def recertified(self, person: Person, course: CourseInfo, earliest: datetime) -> None:
        """A guideline completed over a year ago, and the second cycle it started."""
        first = self.enroll(
            person,
            course,
            COMPLETED,
            earliest,
            latest=self.now - timedelta(days=400),
            completed_by=self.now - timedelta(days=370),
        )
        renewed = clock.add_months(first["completed_at"], 12)
        state = self.rng.choices(list(CYCLE_TWO_WEIGHTS), list(CYCLE_TWO_WEIGHTS.values()))[0]
        self.enroll(person, course, state, renewed, latest=renewed, cycle=2)

    def enroll(
        self,
        person: Person,
        course: CourseInfo,
        state: str,
        earliest: datetime,
        *,
        latest: datetime | None = None,
        completed_by: datetime | None = None,
        cycle: int = 1,
        source: str | None = None,
    ) -> dict[str, Any]:
        """One enrollment in `state`, assigned between `earliest` and `latest`, with the
        attempts, lesson progress and acknowledgement that outcome implies."""
        rng = self.rng
        latest = latest or self.now - timedelta(days=1)
        if source is None:  # the guideline is always assigned by a rule
            source = "assigned"
            if course is not self.guideline:
                source = rng.choices(("assigned", "self", "manual"), (96, 3, 1))[0]
        due_days = None if source == "self" else rng.randint(30, 90)
        window = self._window(state, earliest, latest, due_days)
        for _ in range(3):
            if window is not None:
                break
            state = FALLBACK.get(state, COMPLETED)
            window = self._window(state, earliest, latest, due_days)
        if window is None:
            state, window = COMPLETED, (earliest, latest)
        assigned = self._assigned_at(course, *window)
        row: dict[str, Any] = {
            "employee_id": person.id,
            "course_id": course.course_id,
            "version_id": None,
            "cycle": cycle,
            "source": source,
            "assigned_at": assigned,
            "due_at": assigned + timedelta(days=due_days) if due_days else None,
            "started_at": None,
            "completed_at": None,
            "score": None,
            "withdrawn_at": None,
            "recertify_months": 12 if course is self.guideline else None,
            "exempted_at": None,
            "completion_recorded_at": None,
            "reason": None,
        }
        tries = self._outcome(row, state, course, completed_by or self.now)
        enrollment_id = self.writer.add("enrollments", row)
        # Children after their enrollment: a flush writes enrollments first.
        if state == COMPLETED:
            started, done = row["started_at"], row["completed_at"]
            if course.requires_guideline:
                moment = max(started, done - timedelta(minutes=rng.randint(1, 30)))
                self.acknowledged[person.id] = min(moment, self.acknowledged.get(person.id, moment))
            midway = started + (done - started) / 2  # lessons before, attempts after
            self._attempts(enrollment_id, course, midway, done, tries - 1, row["score"])
        elif row["started_at"] is not None:
            end = row["withdrawn_at"] or self.now
            self._progress(enrollment_id, course, row["started_at"], end)
        return row

    def _outcome(
        self, row: dict[str, Any], state: str, course: CourseInfo, completed_by: datetime
    ) -> int:
        """Fill in the dates and score of `state`; returns the quiz attempts a completion took."""
        rng, now, assigned = self.rng, self.now, row["assigned_at"]
        if state == COMPLETED:
            done = self._completion(assigned, row["due_at"], completed_by)
            row["started_at"] = assigned + (done - assigned) * rng.uniform(0.0, 0.6)
            row["completed_at"] = done
            row["version_id"] = course.version_id
            row["score"] = rng.randint(course.pass_mark, 100)
            tries = rng.choices((1, 2, 3), (70, 22, 8))[0]
            return min(tries, course.max_attempts or tries)
        if state in (IN_PROGRESS, OVERDUE, WITHDRAWN):
            end = now
            if state == WITHDRAWN:
                end = assigned + (now - assigned) * rng.uniform(0.1, 0.9)
                row["withdrawn_at"] = end
            started_share = {IN_PROGRESS: 1.0, OVERDUE: 0.5, WITHDRAWN: 0.4}[state]
            if rng.random() < started_share:
                row["started_at"] = assigned + (end - assigned) * rng.uniform(0.05, 0.7)
                row["version_id"] = course.version_id
        elif state == EXEMPTED:
            row["exempted_at"] = assigned + (now - assigned) * rng.uniform(0.05, 0.9)
            row["reason"] = rng.choice(EXEMPTION_REASONS)
        elif state == COMPLETED_ELSEWHERE:
            done = assigned + (now - assigned) * rng.uniform(0.02, 0.5)
            row["completed_at"] = done
            row["completion_recorded_at"] = min(now, done + timedelta(days=rng.uniform(0.1, 20)))
            row["reason"] = rng.choice(ELSEWHERE_REASONS)
        return 0

    def _window(
        self, state: str, earliest: datetime, latest: datetime, due_days: int | None
    ) -> tuple[datetime, datetime] | None:
        """When the assignment can have been made for `state` to be true now, or None."""
        low, high = earliest, latest
        if state in (NOT_STARTED, IN_PROGRESS) and due_days is not None:
            low = max(low, self.now - timedelta(days=due_days, hours=-1))  # not yet due
        elif state == OVERDUE:
            if due_days is None:
                return None
            high = min(high, self.now - timedelta(days=due_days, hours=1))  # already due
        return (low, high) if low <= high else None

    def _assigned_at(self, course: CourseInfo, low: datetime, high: datetime) -> datetime:
        """Half the assignments come in the course's launch wave, the rest trickle in."""
        campaign = self.campaigns[course.slug]
        if low <= campaign <= high and self.rng.random() < 0.5:
            return min(high, campaign + timedelta(days=self.rng.expovariate(1 / 6)))
        return low + (high - low) * self.rng.random()

    def _completion(self, assigned: datetime, due: datetime | None, by: datetime) -> datetime:
        """Most people finish within a couple of weeks, some after the due date, and few
        over the year-end holidays."""
        rng = self.rng
        if due is not None and rng.random() < 0.12:
            done = due + timedelta(days=rng.expovariate(1 / 15))
        else:
            done = assigned + timedelta(hours=1 + rng.expovariate(1 / (11 * 24)))
        holidays = (done.month == 12 and done.day >= 20) or (done.month == 1 and done.day <= 3)
        if holidays and rng.random() < 0.7:
            year = done.year + (done.month == 12)
            done = datetime(year, 1, 4, 8, tzinfo=UTC) + timedelta(hours=rng.uniform(0, 72))
        limit = min(self.now - timedelta(minutes=5), by)
        if done > limit:
            # Drawn in the future: those who did finish, finished some time since assignment
            # (clamping them to the limit would pile them all into its last hours).
            done = assigned + (limit - assigned) * rng.uniform(0.05, 1.0)
        return done

    def _attempts(
        self,
        enrollment_id: int,
        course: CourseInfo,
        start: datetime,
        end: datetime,
        failed: int,
        passing_score: int | None,
    ) -> None:
        """Failed attempts spread from `start`, then the passing one (if any) ends at `end`."""
        tries = failed + (passing_score is not None)
        for number in range(1, tries + 1):
            passed = passing_score is not None and number == tries
            submitted = end if passed else start + (end - start) * number / (tries + 1)
            self.writer.add(
                "quiz_attempts",
                {
                    "enrollment_id": enrollment_id,
                    "version_id": course.version_id,
                    "number": number,
                    "started_at": max(
                        start, submitted - timedelta(minutes=self.rng.uniform(3, 25))
                    ),
                    "submitted_at": submitted,
                    "score": passing_score
                    if passed
                    else self.rng.randint(30, course.pass_mark - 1),
                    "passed": passed,
                },
            )

    def _progress(
        self, enrollment_id: int, course: CourseInfo, started: datetime, end: datetime
    ) -> None:
        """Some lessons done; a third have also failed the quiz once or twice after all of them."""
        lessons = course.lesson_ids
        retrying = self.rng.random() < 0.3
        done = len(lessons) if retrying else self.rng.randint(1, len(lessons) - 1)
        lessons_end = started + (end - started) * (0.5 if retrying else 1.0)
        for position, lesson_id in enumerate(lessons[:done], start=1):
            self.writer.add(
                "lesson_progress",
                {
                    "enrollment_id": enrollment_id,
                    "lesson_id": lesson_id,
                    "completed_at": started + (lessons_end - started) * position / (done + 1),
                },
            )
        if retrying:
            limit = (course.max_attempts or 3) - 1
            failed = self.rng.randint(1, min(2, limit))
            self._attempts(enrollment_id, course, lessons_end, end, failed, None)


# ---------------------------------------------------------------- the database


def open_database(url: str, *, replace: bool) -> Engine:
    """The engine, schema at head, and an empty organisation (or a clear refusal)."""
    parsed = make_url(url)
    dialect = parsed.get_backend_name()
    if dialect not in ("sqlite", "postgresql"):
        sys.exit(f"make_org.py: {dialect} is not supported; use SQLite or PostgreSQL")
    if replace and dialect == "sqlite" and parsed.database not in (None, "", ":memory:"):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(parsed.database + suffix).unlink(missing_ok=True)
    engine = make_engine(url)
    migrations.upgrade(engine)
    with engine.connect() as connection:
        existing = connection.scalar(select(func.count()).select_from(Employee)) or 0
    if existing and not replace:
        sys.exit(
            f"make_org.py: the database already holds {existing:,} employees; "
            "pass --replace to empty it first"
        )
    if replace and dialect == "postgresql":
        names = [name for name in inspect(engine).get_table_names() if name != "alembic_version"]
        quote = engine.dialect.identifier_preparer.quote
        with engine.begin() as connection:
            connection.execute(
                text(f"TRUNCATE {', '.join(map(quote, names))} RESTART IDENTITY CASCADE")
            )
        log(f"emptied {len(names)} tables")
    return engine


def reset_sequences(connection: Connection, names: Iterable[str]) -> None:
    """Ids were given explicitly, so PostgreSQL's sequences must be told where they stand."""
    if connection.dialect.name != "postgresql":
        return  # SQLite takes the next rowid from the table itself
    for name in names:
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), max(id)) FROM {name} "
                "HAVING max(id) IS NOT NULL"
            )
        )


def summary(engine: Engine, now: datetime) -> list[str]:
    """What is in the database now, counted by queries (not from what was generated)."""
    with Session(engine) as session:
        people = session.scalar(select(func.count()).select_from(Employee))
        active = session.scalar(select(func.count()).where(Employee.is_active))
        departments = session.scalar(select(func.count(func.distinct(Employee.department))))
        tree = (
            select(Employee.id, literal(1).label("depth"))
            .where(Employee.manager_id.is_(None))
            .cte("tree", recursive=True)
        )
        below = aliased(Employee)
        tree = tree.union_all(
            select(below.id, tree.c.depth + 1).where(below.manager_id == tree.c.id)
        )
        depths = dict(
            session.execute(select(tree.c.depth, func.count()).group_by(tree.c.depth)).all()
        )
        spans = list(
            session.scalars(
                select(func.count())
                .where(Employee.manager_id.is_not(None))
                .group_by(Employee.manager_id)
            )
        )
        # The app's own status expression, so the counts are the ones the reports will show.
        status = case(
            (Enrollment.withdrawn_at.is_not(None), literal(WITHDRAWN)),
            else_=status_sql(Base.metadata.tables["enrollments"], now),
        )
        by_status = dict(session.execute(select(status, func.count()).group_by(status)).all())
        second_cycles = session.scalar(select(func.count()).where(Enrollment.cycle == 2))

        def count(model: type[Base]) -> int:
            return session.scalar(select(func.count()).select_from(model)) or 0

        manager_id = session.scalar(select(Employee.id).where(Employee.email == MANAGER_EMAIL))
        line_all = session.scalar(
            select(func.count()).select_from(reporting_line(manager_id).subquery())
        )
        line_active = reporting_line_size(session, manager_id)
        learner_id = session.scalar(select(Employee.id).where(Employee.email == LEARNER_EMAIL))
        learner = session.scalars(
            select(Enrollment).where(Enrollment.employee_id == learner_id).order_by(Enrollment.id)
        ).all()
        slugs = dict(session.execute(select(Course.id, Course.slug)).all())
        reports = session.scalar(select(func.count()).where(Employee.manager_id == learner_id))

    enrollments = sum(by_status.values())
    lines = [
        f"people            {people:,} ({active:,} active, {people - active:,} inactive)",
        f"departments       {departments}",
        f"max depth         {max(depths)} (CEO at level 1; people per level: "
        + ", ".join(f"{depth}: {n:,}" for depth, n in sorted(depths.items()))
        + ")",
        f"managers          {len(spans):,} (direct reports: median "
        f"{statistics.median(spans):g}, {min(spans)} to {max(spans)})",
        f"courses           {len(slugs)}: {', '.join(slugs[k] for k in sorted(slugs))}",
        f"enrollments       {enrollments:,} ({second_cycles:,} of them a second guideline cycle)",
    ]
    for name in STATE_WEIGHTS:
        share = by_status.get(name, 0) / enrollments
        lines.append(f"  {name:<20}{by_status.get(name, 0):>9,}  {share:6.1%}")
    lines += [
        f"quiz attempts     {count(QuizAttempt):,}",
        f"lesson progress   {count(LessonProgress):,}",
        f"attestations      {count(Attestation):,}",
        "",
        f"{MANAGER_EMAIL}: reporting line {line_all:,} people ({line_active:,} active)",
        f"{LEARNER_EMAIL}: {len(learner)} enrollments, {reports} reports: "
        + ", ".join(f"{slugs[e.course_id]} {status_of(e, now)}" for e in learner),
        f"{HR_EMAIL}: HR admin",
        f"password for everyone: {PASSWORD}",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    """Build the organisation; print progress on stderr and the summary on stdout."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=100_000, help="people to create")
    parser.add_argument("--seed", type=int, default=2026, help="the same seed, the same org")
    parser.add_argument(
        "--enrollments-per-person",
        type=int,
        default=5,
        help="courses per person, the guideline always among them (1 to 5)",
    )
    parser.add_argument(
        "--replace", action="store_true", help="empty a database that already has employees"
    )
    args = parser.parse_args(argv)
    if args.employees < MIN_EMPLOYEES:
        parser.error(f"--employees must be at least {MIN_EMPLOYEES}")
    if not 1 <= args.enrollments_per_person <= 2 + len(GENERATED_COURSES):
        parser.error("--enrollments-per-person must be between 1 and 5 (one per course)")
    url = os.environ.get("LMS_DATABASE_URL")
    if not url:
        parser.error("set LMS_DATABASE_URL to the database to fill, e.g. sqlite:////tmp/org.db")

    started = time.perf_counter()
    engine = open_database(url, replace=args.replace)
    log(f"schema at head in {time.perf_counter() - started:.1f} s")
    now = clock.now()
    rng = random.Random(args.seed)  # noqa: S311 - reproducible sample data, not secrets

    stage = time.perf_counter()
    org = build_org(rng, args.employees, now.date())
    rows = employee_rows(org.people, hash_password(PASSWORD), now)
    log(f"people: {len(rows):,} generated in {time.perf_counter() - stage:.1f} s")
    tables = ("employees", "enrollments", "quiz_attempts", "lesson_progress", "attestations")
    with engine.begin() as connection:
        stage = time.perf_counter()
        writer = Writer(connection, tables)
        for row in rows:
            writer.add("employees", row)
        writer.flush()
        log(
            f"people: {writer.counts['employees']:,} written in {time.perf_counter() - stage:.1f} s"
        )

        stage = time.perf_counter()
        courses = import_courses(connection, now)
        log(
            f"courses: {len(courses)} imported and published in {time.perf_counter() - stage:.1f} s"
        )

        stage = time.perf_counter()
        History(rng, now, courses, writer).write(org, args.enrollments_per_person)
        counts = ", ".join(f"{writer.counts[name]:,} {name}" for name in tables[1:])
        log(f"history: {counts} in {time.perf_counter() - stage:.1f} s")
        reset_sequences(connection, tables)
        stage = time.perf_counter()
    log(f"committed in {time.perf_counter() - stage:.1f} s")

    if engine.dialect.name == "postgresql":
        # Fresh planner statistics, as autovacuum would have given a real database by now;
        # SQLite has none unless someone runs ANALYZE, and the app never does.
        stage = time.perf_counter()
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        log(f"analysed in {time.perf_counter() - stage:.1f} s")
    stage = time.perf_counter()
    lines = summary(engine, now)
    log(f"summary queried in {time.perf_counter() - stage:.1f} s")
    log(f"total {time.perf_counter() - started:.1f} s")
    engine.dispose()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
