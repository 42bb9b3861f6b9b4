"""Classic stored-XSS payloads, and an organisation and a course that carry them, put in
through the app's own paths (the HRIS import, a checked course pack, the services HR's
forms call), for tests/e2e/test_stored_xss_in_browser.py.

Each payload sets `window.__xss` instead of (or as well as) alerting, so a browser that ran
one is caught even where a dialog would go unnoticed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import timedelta

from flask.testing import FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import clock
from lms.assignments import individual
from lms.assignments.services import RuleSpec, create_rule, sync_assignments
from lms.authoring.services import start_draft
from lms.courses.models import Lesson
from lms.courses.packs import (
    ChoiceSource,
    CoursePack,
    LessonSource,
    QuestionSource,
    QuizSettings,
    pack_files,
    read_pack_files,
)
from lms.courses.services import import_pack
from lms.learning.services import mark_lesson_done
from lms.people.accounts import set_hr_admin
from lms.people.importer import import_people
from lms.people.models import Employee
from lms.precheck.profile import DEFAULT_PROFILE
from lms.precheck.services import save_profile

# ---------------------------------------------------------------- the payloads, in one place

SCRIPT = "<script>window.__xss=1;alert(1)</script>"
IMG_ONERROR = '<img src=x onerror="window.__xss=1;alert(1)">'
SVG_ONLOAD = '<svg onload="window.__xss=1">'
BREAK_OUT = '"><script>window.__xss=1</script>'
JS_URL = "javascript:window.__xss=1"
JS_LINK = '<a href="javascript:window.__xss=1">x</a>'
IFRAME = '<iframe src="javascript:window.__xss=1;alert(1)"></iframe>'
TEMPLATE = "{{7*7}}"  # Jinja or any client-side template would show 49
ATTRIBUTE = "' onmouseover='window.__xss=1"
MARKUP = (SCRIPT, IMG_ONERROR, SVG_ONLOAD, BREAK_OUT, JS_URL, JS_LINK, IFRAME, TEMPLATE, ATTRIBUTE)

# Cells a spreadsheet would run: every export must start them with an apostrophe.
FORMULA = '=HYPERLINK("http://evil","x")'
FORMULA_PLUS = "+1+cmd|' /C calc'!A0"
FORMULA_MINUS = "-2+3"
FORMULA_AT = "@SUM(1+1)"

# An address email-validator accepts that breaks out of a single-quoted attribute.
ATTRIBUTE_EMAIL = "e'onmouseover='window.__xss=1'@example.com"

# ---------------------------------------------------------------- who carries which payload


@dataclass(frozen=True)
class Person:
    hris_id: str
    email: str
    first_name: str
    last_name: str
    department: str
    title: str
    location: str
    manager_hris_id: str = ""

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def texts(self) -> tuple[str, ...]:
        """What the person pages show of them."""
        return (self.name, self.email, self.department, self.title, self.location)


HR = Person("H1", "=hr+1@example.com", FORMULA, "Admin", "People", "HR lead", "Head office")
MANAGER = Person("M1", "boss@example.com", ATTRIBUTE, JS_LINK, IFRAME, TEMPLATE, JS_URL)
EMPLOYEE = Person(
    BREAK_OUT, ATTRIBUTE_EMAIL, SCRIPT, IMG_ONERROR, SVG_ONLOAD, BREAK_OUT, ATTRIBUTE, "M1"
)
# Never signs in: a report of the manager whose every typed cell starts a formula.
SPREADSHEET = Person(
    FORMULA_AT, "sheet@example.com", FORMULA_PLUS, FORMULA, FORMULA_MINUS, FORMULA, FORMULA, "M1"
)
PEOPLE = (HR, MANAGER, EMPLOYEE, SPREADSHEET)
EXEMPTION_REASON = f"{IMG_ONERROR} {TEMPLATE}"
CODENAME = SVG_ONLOAD  # the pre-check marks it in a draft, splitting the text around it


def hris_csv(people: tuple[Person, ...] = PEOPLE) -> bytes:
    """An HRIS export of these people, quoted as a spreadsheet would write it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["employee_id", "email", "first_name", "last_name", "department", "title", "location",
         "manager_id"]
    )  # fmt: skip
    for p in people:
        writer.writerow(
            [p.hris_id, p.email, p.first_name, p.last_name, p.department, p.title, p.location,
             p.manager_hris_id]
        )  # fmt: skip
    return buffer.getvalue().encode()


# ---------------------------------------------------------------- the course

SLUG = "posting-safely"
COURSE_TITLE = f"{SCRIPT} {TEMPLATE}"
SUMMARY = f"{IMG_ONERROR} {ATTRIBUTE}"
LESSON_SLUG, RAW_LESSON_SLUG = "first-steps", "stored-raw"
LESSON_TITLE = f"{BREAK_OUT} {TEMPLATE}"
RAW_LESSON_TITLE = SVG_ONLOAD
# What an author may write: every payload as code, and attribute breakers in link titles
# and image descriptions, which the renderer must quote.
LESSON_MARKDOWN = "\n\n".join(
    [
        "Payloads written as code stay text:",
        *(f"- `{payload}`" for payload in MARKUP),
        f"Template text {TEMPLATE} stays as written.",
        f'[A safe link](https://example.com/ "{ATTRIBUTE}") and '
        f'![" onerror="window.__xss=1](/static/none.png "{ATTRIBUTE}")',
        "```\n" + "\n".join(MARKUP) + "\n```",
    ]
)
# What an author may not write (the editor and the importer refuse it); the sanitiser must
# still clean it, in the preview and in a stored row that holds it.
RAW_MARKDOWN = "\n\n".join(
    [
        *MARKUP[:4],
        f"[click me]({JS_URL}) and ![picture]({JS_URL})",
        JS_LINK,
        IFRAME,
        f"Template text {TEMPLATE}.",
    ]
)
RAW_HTML = "\n".join(
    [*MARKUP[:4], f'<p><a href="{JS_URL}">click me</a> <img src="{JS_URL}" alt="picture"></p>',
     JS_LINK, IFRAME, f"<p>Template text {TEMPLATE}.</p>"]
)  # fmt: skip
PROMPT, POST = f"{SCRIPT} {ATTRIBUTE}", f"{IFRAME} {TEMPLATE}"
RIGHT, WRONG = f"{IMG_ONERROR} right", f"{BREAK_OUT} wrong"
FEEDBACK, EXPLANATION = f"{SVG_ONLOAD} {JS_URL}", f"{JS_LINK} {TEMPLATE}"
CHECK_PROMPT = f"{ATTRIBUTE} check {TEMPLATE}"
QUIZ_TEXTS = (PROMPT, POST, RIGHT, WRONG, FEEDBACK, EXPLANATION)


def _question(key: str, prompt: str, *, knowledge_check: bool) -> QuestionSource:
    return QuestionSource(
        key=key,
        kind="scenario",
        prompt=prompt,
        post=POST,
        post_kind="post",
        choices=(ChoiceSource(RIGHT, True, FEEDBACK), ChoiceSource(WRONG, False, FEEDBACK)),
        explanation=EXPLANATION,
        lesson=LESSON_SLUG,
        knowledge_check=knowledge_check,
    )


PACK = CoursePack(
    slug=SLUG,
    title=COURSE_TITLE,
    summary=SUMMARY,
    minutes=10,
    kind="course",
    requires_guideline=False,
    quiz=QuizSettings(
        pass_mark=50,
        max_attempts=None,
        shuffle_questions=False,
        shuffle_choices=False,
        show_answers="after_each_attempt",
    ),
    lessons=(
        LessonSource(1, LESSON_SLUG, LESSON_TITLE, "pitfalls", 5, LESSON_MARKDOWN),
        LessonSource(2, RAW_LESSON_SLUG, RAW_LESSON_TITLE, "pitfalls", 5, "Replaced below."),
    ),
    questions=(
        _question("final-question", PROMPT, knowledge_check=False),
        _question("practice-question", CHECK_PROMPT, knowledge_check=True),
    ),
)


# ---------------------------------------------------------------- putting it all in


@dataclass(frozen=True)
class StoredIds:
    hr: int
    manager: int
    employee: int
    spreadsheet: int


def store_payloads(db: Session, runner: FlaskCliRunner, password_hash: str) -> StoredIds:
    """Everything above in the database, the way HR's own actions would put it there."""
    import_people(db, hris_csv(), max_bytes=1_048_576, actor_id=None)
    people = {e.hris_id: e for e in db.scalars(select(Employee))}
    for person in people.values():
        person.password_hash = password_hash
    hr = people[HR.hris_id]
    set_hr_admin(db, hr, True, actor_id=None)
    import_pack(db, read_pack_files(pack_files(PACK)), publish=True, published_by=hr.id)
    # A stored lesson holding raw HTML, as a row written before the importer refused it
    # would: the lesson page cleans it again on the way out.
    raw = db.scalars(select(Lesson).where(Lesson.slug == RAW_LESSON_SLUG)).one()
    raw.body_markdown, raw.body_html = RAW_MARKDOWN, RAW_HTML
    start_draft(db, SLUG)  # the authoring pages edit a draft
    create_rule(
        db,
        RuleSpec(SLUG, "departments", (EMPLOYEE.department, SPREADSHEET.department), 14),
        actor_id=hr.id,
    )
    sync_assignments(db)
    individual.exempt(db, people[MANAGER.hris_id].id, SLUG, EXEMPTION_REASON, actor_id=hr.id)
    save_profile(db, DEFAULT_PROFILE.with_changes(codenames=(CODENAME,)), actor_id=hr.id)
    employee = people[EMPLOYEE.hris_id]
    mark_lesson_done(db, employee.id, SLUG, LESSON_SLUG)
    mark_lesson_done(db, employee.id, SLUG, RAW_LESSON_SLUG)
    db.commit()
    clock.advance(timedelta(minutes=1))
    queued = runner.invoke(args=["mail", "queue"])  # "New course for you: <title>" emails
    assert queued.exit_code == 0, queued.output
    ids = StoredIds(hr.id, people[MANAGER.hris_id].id, employee.id, people[SPREADSHEET.hris_id].id)
    db.rollback()  # hold no transaction open while the server writes
    return ids
