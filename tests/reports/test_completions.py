"""The completion report as a service: scope, latest cycles, statuses, filters, counts, order."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms import clock
from lms.authoring.services import start_draft
from lms.courses.models import Course, CourseVersion
from lms.courses.services import publish_version
from lms.learning.models import Enrollment
from lms.people.org import EVERYONE, Scope
from lms.reports.completions import (
    PAGE_SIZE,
    CompletionFilter,
    export_rows,
    file_name,
    report_page,
    summary,
)
from tests.reports.helpers import complete_after_attempts

ESSENTIALS, GUIDELINE = "social-media-essentials", "social-media-guideline"


NO_FILTER = CompletionFilter()


def _everything(db, scope, filters=NO_FILTER):
    """Every exported row as (employee_id, course slug, status); the file holds the title."""
    titles = select(CourseVersion.title, Course.slug).join(CourseVersion.course)
    slugs = {title: slug for title, slug in db.execute(titles)}
    return sorted(
        (row[0], slugs[row[5]], row[7])
        for batch in export_rows(db, scope, filters)
        for row in batch
    )


def _enrollments_of(db, person) -> list[Enrollment]:
    return list(db.scalars(select(Enrollment).where(Enrollment.employee_id == person.id)))


@pytest.fixture
def enrolled(db, org, shipped_courses, enrol):
    """Everyone in the org has both courses."""
    for person in org.values():
        for version in shipped_courses.values():
            enrol(person, version)
    return org


def test_a_manager_sees_exactly_their_reporting_line(db, enrolled):
    org = enrolled
    senior_line = {org[p].hris_id for p in ("lead", "staff", "staff2")}
    lead_line = {org[p].hris_id for p in ("staff", "staff2")}
    assert {row[0] for row in _everything(db, Scope(org["senior"].id))} == senior_line
    assert {row[0] for row in _everything(db, Scope(org["lead"].id))} == lead_line
    assert {row[0] for row in _everything(db, Scope(org["staff"].id))} == set()
    assert {row[0] for row in _everything(db, EVERYONE)} == {p.hris_id for p in org.values()}
    page = report_page(db, Scope(org["senior"].id), CompletionFilter())
    assert page.total == 6
    assert {row.person_id for row in page.rows} == {org[p].id for p in ("lead", "staff", "staff2")}


def test_direct_only_keeps_the_managers_own_reports(db, enrolled):
    org = enrolled
    rows = _everything(db, Scope(org["senior"].id), CompletionFilter(direct_only=True))
    assert {row[0] for row in rows} == {org["lead"].hris_id}
    # For the whole organisation there is no "direct": the filter changes nothing.
    assert _everything(db, EVERYONE, CompletionFilter(direct_only=True)) == _everything(
        db, EVERYONE
    )


def test_every_status_is_reported_as_the_learner_sees_it(db, org, shipped_courses, enrol):
    course = shipped_courses[ESSENTIALS]
    now = clock.now()
    people = {
        "not started": org["staff"],
        "in progress": org["staff2"],
        "completed": org["lead"],
        "overdue": org["senior"],
        "exempted": org["outsider"],
        "completed elsewhere": org["hr"],
    }
    rows = {status: enrol(person, course) for status, person in people.items()}
    rows["in progress"].started_at = now
    rows["completed"].started_at = now - timedelta(days=2)
    rows["completed"].completed_at = now - timedelta(days=1)
    rows["completed"].score = 90
    rows["overdue"].due_at = now - timedelta(days=1)
    rows["exempted"].exempted_at = now
    rows["exempted"].due_at = now - timedelta(days=1)  # an exemption is never overdue
    rows["completed elsewhere"].completed_at = now - timedelta(days=3)
    rows["completed elsewhere"].completion_recorded_at = now
    db.commit()
    reported = {row[0]: row[2] for row in _everything(db, EVERYONE)}
    assert reported == {person.hris_id: status for status, person in people.items()}


def test_one_row_per_person_and_course_the_latest_cycle_not_withdrawn(
    db, org, shipped_courses, enrol
):
    now = clock.now()
    first = enrol(org["staff"], shipped_courses[ESSENTIALS])
    first.completed_at = now - timedelta(days=400)
    db.add(
        Enrollment(
            employee_id=org["staff"].id,
            course_id=first.course_id,
            cycle=2,
            assigned_at=now,
            due_at=now + timedelta(days=30),
        )
    )
    withdrawn = enrol(org["staff2"], shipped_courses[ESSENTIALS])
    withdrawn.withdrawn_at = now
    db.commit()
    assert _everything(db, EVERYONE) == [(org["staff"].hris_id, ESSENTIALS, "not started")]


def test_the_files_name_each_course_by_its_current_published_title(db, org, shipped_courses, enrol):
    """A learner on version 1 of a course since renamed shows the name HR uses now; a draft's
    new title is not public yet, so it is not used."""
    started = enrol(org["staff"], shipped_courses[ESSENTIALS])
    started.version_id = shipped_courses[ESSENTIALS].id
    renamed, _ = start_draft(db, ESSENTIALS)
    renamed.title = "Posting at work"
    publish_version(db, renamed, published_by=None)
    unpublished, _ = start_draft(db, ESSENTIALS)
    unpublished.title = "Not public yet"
    db.commit()
    (row,) = [row for batch in export_rows(db, EVERYONE, NO_FILTER) for row in batch]
    assert (row[5], row[6]) == ("Posting at work", 1)  # the title now, the version taken


def test_people_who_left_are_left_out_unless_asked_for(db, enrolled):
    enrolled["staff"].is_active = False
    db.commit()
    hris = enrolled["staff"].hris_id
    assert hris not in {row[0] for row in _everything(db, EVERYONE)}
    with_leavers = _everything(db, EVERYONE, CompletionFilter(include_inactive=True))
    assert hris in {row[0] for row in with_leavers}


def test_filters_by_course_status_and_department(db, enrolled):
    org = enrolled
    for enrollment in _enrollments_of(db, org["staff"]):
        enrollment.due_at = clock.now() - timedelta(days=1)
    db.commit()
    by_course = _everything(db, EVERYONE, CompletionFilter(course=GUIDELINE))
    assert {row[1] for row in by_course} == {GUIDELINE}
    assert len(by_course) == len(org)
    overdue = _everything(db, EVERYONE, CompletionFilter(status="overdue", course=ESSENTIALS))
    assert overdue == [(org["staff"].hris_id, ESSENTIALS, "overdue")]
    sales = _everything(db, EVERYONE, CompletionFilter(department="Sales"))
    assert {row[0] for row in sales} == {org["outsider"].hris_id}


def test_the_summary_counts_each_course_and_the_lists_length(db, enrolled):
    org = enrolled
    for enrollment in _enrollments_of(db, org["staff"]):
        enrollment.due_at = clock.now() - timedelta(days=1)
    exempted = _enrollments_of(db, org["staff2"])[0]
    exempted.exempted_at = clock.now()
    org["staff2"].department = "Sales"
    db.commit()
    counted = summary(db, Scope(org["lead"].id))
    assert counted.departments == ["Marketing", "Sales"]
    completed = CompletionFilter(status="completed")
    courses = counted.courses(completed)
    assert len(courses) == 2
    for course in courses:  # the status filter is left out of the per-course counts
        assert course.total == 2
        assert course.by_status["overdue"] == 1
        assert course.percent("overdue") == 50
    exempted_course = next(c for c in courses if "exempted" in c.by_status)
    assert exempted_course.required == 1
    assert exempted_course.percent_done == 0
    # The list's length follows every filter, and agrees with the rows themselves.
    for filters in (
        CompletionFilter(),
        completed,
        CompletionFilter(status="overdue"),
        CompletionFilter(status="overdue", course=GUIDELINE),
        CompletionFilter(department="Sales"),
        CompletionFilter(department="Sales", status="exempted"),
    ):
        rows = report_page(db, Scope(org["lead"].id), filters)
        assert counted.total(filters) == rows.total, filters
    assert counted.total(CompletionFilter(status="overdue")) == 2
    sales = counted.courses(CompletionFilter(department="Sales"))
    assert sorted((c.label, c.total) for c in sales) == [(ESSENTIALS, 1), (GUIDELINE, 1)]


def test_score_and_attempts_come_with_each_row(db, org, shipped_courses, enrol):
    course = shipped_courses[ESSENTIALS]
    enrollment = enrol(org["staff"], course)
    complete_after_attempts(db, enrollment, course, [40, 90])
    [[row]] = list(export_rows(db, EVERYONE, CompletionFilter()))
    assert row[5:] == (
        course.title,
        1,
        "completed",
        "2026-03-02",
        "2026-03-16",
        "2026-03-02",
        90,
        2,
    )
    [page_row] = report_page(db, EVERYONE, CompletionFilter()).rows
    assert (page_row.score, page_row.attempts, page_row.version) == (90, 2, 1)


def test_pages_sort_and_stop_at_the_last_page(db, make_employee, shipped_courses, enrol):
    course = shipped_courses[ESSENTIALS]
    for n in range(PAGE_SIZE + 5):
        person = make_employee(last_name=f"Name{n:03d}", password=None)
        enrolment = enrol(person, course, due_at=clock.now() + timedelta(days=n))
        assert enrolment.id
    first = report_page(db, EVERYONE, CompletionFilter(), sort="name")
    assert (first.total, first.pages, len(first.rows)) == (PAGE_SIZE + 5, 2, PAGE_SIZE)
    assert first.rows[0].name.endswith("Name000")
    last = report_page(db, EVERYONE, CompletionFilter(), sort="name", page=99)
    assert (last.page, len(last.rows)) == (2, 5)
    latest_due = report_page(db, EVERYONE, CompletionFilter(), sort="-due")
    assert latest_due.rows[0].name.endswith(f"Name{PAGE_SIZE + 4:03d}")
    unknown = report_page(db, EVERYONE, CompletionFilter(), sort="password")
    assert unknown.rows[0].name.endswith("Name000")  # falls back to name order


def test_file_names_say_scope_filters_and_day():
    filters = CompletionFilter(status="overdue", department="Ventes & Marché")
    name = file_name("team of Zoë O'Brien", filters, clock.now().date(), "csv")
    assert name == "postwise-completions-team-of-zoe-o-brien-overdue-ventes-marche-2026-03-02.csv"
    assert file_name("everyone", CompletionFilter(), clock.now().date(), "xlsx") == (
        "postwise-completions-everyone-2026-03-02.xlsx"
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_managers_report_is_exactly_their_line_in_a_random_org(
    db, make_employee, shipped_courses, enrol, seed
):
    """A random tree of 40 people: for each manager, the report holds their descendants
    (active ones, direct and indirect) and nobody else, in the page and in the download."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible org, not a secret
    people = [make_employee(password=None)]
    for n in range(1, 40):
        boss = rng.choice(people[: max(1, n)])
        people.append(
            make_employee(password=None, manager_id=boss.id, is_active=rng.random() > 0.1)
        )
    for person in people:
        enrol(person, shipped_courses[ESSENTIALS])
    children: dict[int, list[int]] = {}
    for person in people:
        if person.manager_id is not None:
            children.setdefault(person.manager_id, []).append(person.id)
    by_id = {person.id: person for person in people}

    def below(manager_id: int) -> set[int]:
        found = set()
        for child in children.get(manager_id, []):
            found |= {child} | below(child)
        return found

    for manager_id in children:
        expected = {by_id[i].hris_id for i in below(manager_id) if by_id[i].is_active}
        scope = Scope(manager_id)
        assert {row[0] for row in _everything(db, scope)} == expected
        page = report_page(db, scope, CompletionFilter())
        assert page.total == len(expected)
        direct = {by_id[i].hris_id for i in children[manager_id] if by_id[i].is_active}
        assert {row[0] for row in _everything(db, scope, CompletionFilter(direct_only=True))} == (
            direct
        )
