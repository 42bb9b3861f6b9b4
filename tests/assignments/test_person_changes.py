"""HR's changes to one person's courses: exempt, record a completion done elsewhere, assign,
withdraw. Each is audited, shown as such, and left alone by the sync."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lms import clock
from lms.assignments import individual
from lms.assignments.services import RuleSpec, create_rule, remove_rule
from lms.assignments.sync import sync_assignments
from lms.audit.models import AuditEvent
from lms.learning.models import Certificate, Enrollment
from lms.learning.services import my_learning
from lms.learning.statuses import COMPLETED_ELSEWHERE, EXEMPTED, OVERDUE
from tests.helpers import csrf_token

COURSE = "social-media-essentials"
TITLE = "Social media essentials for professionals"


def _post(client, person, change: str, prefix: str, confirmed: bool = False, **fields: str):
    token = csrf_token(client, f"/people/{person.id}")
    data = {f"{prefix}-{name}": value for name, value in fields.items()}
    if confirmed:  # as from the confirmation page
        data["confirmed"] = "yes"
    return client.post(f"/people/{person.id}/courses/{change}", data={**data, "csrf_token": token})


def _events(db, action: str) -> list[AuditEvent]:
    db.rollback()
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _latest(db, person) -> Enrollment:
    db.flush()
    db.expire_all()
    return db.scalars(
        select(Enrollment)
        .where(Enrollment.employee_id == person.id)
        .order_by(Enrollment.cycle.desc())
    ).first()


def _rule_for_staff(db, **options) -> None:
    create_rule(db, RuleSpec(COURSE, "people", ("T0004",), due_days=14, **options), actor_id=None)
    sync_assignments(db)
    db.commit()


def test_exemption_is_audited_shown_as_such_and_never_overdue(
    client, login, db, org, shipped_courses
):
    _rule_for_staff(db)
    login(org["hr"])
    response = _post(client, org["staff"], "exempt", "exempt", course=COURSE, reason="On leave")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Sia Staff is exempted from {TITLE}." in page
    assert '<span class="badge badge-muted">Exempted</span>' in page
    assert "On leave" in page
    (event,) = _events(db, "enrollment.exempted")
    assert event.actor_id == org["hr"].id
    assert event.target == f"{TITLE} for employee T0004 ({org['staff'].email})"
    assert event.before == "not started, due 16 March 2026"
    assert event.after == "exempted (On leave)"
    clock.advance(timedelta(days=30))  # long past the due date
    (item,) = my_learning(db, org["staff"].id)
    assert item.status == EXEMPTED != OVERDUE


def test_the_sync_neither_withdraws_nor_reassigns_an_exemption(db, org, shipped_courses):
    _rule_for_staff(db, recertify_months=12)
    individual.exempt(db, org["staff"].id, COURSE, "Left the team", actor_id=org["hr"].id)
    rule = db.scalars(select(individual.Enrollment)).one()
    assert sync_assignments(db).created == 0
    remove_rule(db, 1, actor_id=None)
    assert sync_assignments(db).withdrawn == 0
    assert rule.withdrawn_at is None and rule.exempted_at is not None
    create_rule(db, RuleSpec(COURSE, "everyone"), actor_id=None)
    clock.advance(timedelta(days=800))
    summary = sync_assignments(db)
    assert (summary.reinstated, summary.recertified) == (0, 0)
    assert db.scalar(
        select(func.count()).where(Enrollment.employee_id == org["staff"].id)
    ) == 1  # fmt: skip


def test_an_exemption_before_any_rule_keeps_the_rule_away(db, org, shipped_courses):
    individual.exempt(db, org["staff"].id, COURSE, "Trained by the agency", actor_id=None)
    create_rule(db, RuleSpec(COURSE, "everyone"), actor_id=None)
    assert sync_assignments(db).assigned == 5  # everyone but the exempted person
    assert _latest(db, org["staff"]).source == "manual"


def test_a_recorded_completion_is_shown_as_such_and_renews_like_a_completion(
    client, login, db, org, shipped_courses
):
    _rule_for_staff(db, recertify_months=12)
    login(org["hr"])
    response = _post(
        client,
        org["staff"],
        "record-completion",
        "record",
        course=COURSE,
        completed_on="2026-02-20",
        reason="Classroom session in Lisbon",
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "recorded as completed elsewhere by Sia Staff on 20 February 2026" in page
    assert '<span class="badge badge-ok">Completed elsewhere</span>' in page
    (event,) = _events(db, "enrollment.completion_recorded")
    assert (event.actor_id, event.before) == (org["hr"].id, "not started, due 16 March 2026")
    assert event.after == "completed elsewhere on 20 February 2026 (Classroom session in Lisbon)"
    assert db.scalar(select(func.count()).select_from(Certificate)) == 0  # not done here
    (item,) = my_learning(db, org["staff"].id)
    assert item.status == COMPLETED_ELSEWHERE
    # Renewed twelve months after the day it happened, not the day it was recorded.
    clock.freeze(clock.now().replace(year=2027, month=2, day=19))
    assert sync_assignments(db).recertified == 0
    clock.advance(timedelta(days=1))
    assert sync_assignments(db).recertified == 1
    first = db.scalars(select(Enrollment).where(Enrollment.cycle == 1)).one()
    assert first.completion_recorded_at is not None  # the old completion stays as it was


def test_the_learner_sees_exempted_and_completed_elsewhere_never_as_ordinary(
    client, login, db, org, shipped_courses
):
    individual.exempt(db, org["staff"].id, "social-media-guideline", "Legal team", actor_id=None)
    individual.record_completion(
        db, org["staff"].id, COURSE, date(2026, 2, 1), "Workshop", actor_id=None
    )
    db.commit()
    login(org["staff"])
    home = client.get("/").get_data(as_text=True)
    assert ">Exempted</span>" in home
    assert ">Completed elsewhere</span>" in home
    assert ">Completed</span>" not in home
    assert "Download your certificate" not in home
    course = client.get(f"/courses/{COURSE}").get_data(as_text=True)
    assert "HR recorded that you completed this course elsewhere: Workshop." in course
    assert client.get(f"/courses/{COURSE}/certificate.pdf").status_code == 404


def test_manual_assignment_and_withdrawal_are_audited_and_left_alone_by_the_sync(
    client, login, db, org, shipped_courses
):
    login(org["hr"])
    response = _post(
        client, org["outsider"], "assign", "assign", course=COURSE, due_on="2026-04-01"
    )
    assert response.status_code == 302
    assert "Otto Outside now has" in client.get(f"/people/{org['outsider'].id}").get_data(
        as_text=True
    )
    (assigned,) = _events(db, "enrollment.assigned")
    assert (assigned.actor_id, assigned.before) == (org["hr"].id, "not enrolled")
    assert assigned.after == "not started, due 1 April 2026"
    assert sync_assignments(db).withdrawn == 0  # no rule covers Otto: still his
    db.commit()

    _rule_for_staff(db)
    response = _post(client, org["staff"], "withdraw", "withdraw", course=COURSE)
    assert response.status_code == 200  # the first post asks, and changes nothing
    page = html.unescape(response.get_data(as_text=True))
    assert "Withdraw “Social media essentials for professionals” from Sia Staff?" in page
    assert "will no longer be due for Sia (it is due 16 March 2026)" in page
    assert "It stays in Sia's history with their progress and 0 quiz attempts" in page
    assert 'name="withdraw-course" value="social-media-essentials"' in page
    assert _events(db, "enrollment.withdrawn") == []
    assert _latest(db, org["staff"]).withdrawn_at is None
    response = _post(client, org["staff"], "withdraw", "withdraw", True, course=COURSE)
    assert response.status_code == 302
    (withdrawn,) = _events(db, "enrollment.withdrawn")
    assert (withdrawn.before, withdrawn.after) == ("not started, due 16 March 2026", "withdrawn")
    assert sync_assignments(db).reinstated == 0  # the rule still covers Sia; HR decided
    assert my_learning(db, org["staff"].id) == []  # withdrawn: not shown
    # Assigning again gives the same enrollment back, with its progress.
    individual.assign_course(db, org["staff"].id, COURSE, date(2026, 5, 1), actor_id=None)
    assert (_latest(db, org["staff"]).cycle, _latest(db, org["staff"]).withdrawn_at) == (1, None)


def test_withdrawn_enrollments_stop_counting_as_overdue(db, org, shipped_courses):
    _rule_for_staff(db)
    clock.advance(timedelta(days=30))
    assert [item.status for item in my_learning(db, org["staff"].id)] == [OVERDUE]
    individual.withdraw_course(db, org["staff"].id, COURSE, actor_id=org["hr"].id)
    assert my_learning(db, org["staff"].id) == []
    assert individual.person_courses(db, org["staff"].id)[0].status == "withdrawn"


@pytest.mark.parametrize(
    ("change", "prefix", "fields", "field", "message"),
    [
        ("exempt", "exempt", {"course": COURSE, "reason": "  "}, "reason", "Give the reason"),
        ("exempt", "exempt", {"course": "", "reason": "x"}, "course", "Choose a course."),
        (
            "record-completion",
            "record",
            {"course": COURSE, "completed_on": "2026-03-05", "reason": "Workshop"},
            "completed_on",
            "The date cannot be in the future.",
        ),
        (
            "record-completion",
            "record",
            {"course": COURSE, "completed_on": "", "reason": "Workshop"},
            "completed_on",
            "Give the date it was completed.",
        ),
        (
            "assign",
            "assign",
            {"course": COURSE, "due_on": "2026-03-01"},
            "due_on",
            "Choose a due date from today on.",
        ),
        ("assign", "assign", {"course": "gone", "due_on": "2026-04-01"}, "course", "published"),
        ("withdraw", "withdraw", {"course": COURSE}, "course", "has no open enrollment"),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_changes_nothing(
    client, login, db, org, shipped_courses, change, prefix, fields, field, message
):
    login(org["hr"])
    response = _post(client, org["staff"], change, prefix, **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    errors = re.search(rf'<ul class="errors" id="{prefix}-{field}-error">(.*?)</ul>', page, re.S)
    assert errors and message in errors.group(1), page
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Enrollment)) == 0
    assert db.scalar(
        select(func.count()).where(AuditEvent.action.like("enrollment.%"))
    ) == 0  # fmt: skip


def test_only_hr_sees_the_forms(client, login, db, org, shipped_courses):
    _rule_for_staff(db)
    login(org["lead"])
    page = client.get(f"/people/{org['staff'].id}").get_data(as_text=True)
    assert TITLE in page  # a manager sees the course and its status
    assert "Exempt from a course" not in page
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    login(org["hr"])
    page = client.get(f"/people/{org['staff'].id}").get_data(as_text=True)
    for heading in (
        "Assign a course",
        "Exempt from a course",
        "Record a completion done elsewhere",
    ):
        assert heading in page
    assert "Withdraw a course" in page


def test_the_exempt_menu_offers_only_what_the_person_can_be_exempted_from(
    client, login, db, org, shipped_courses
):
    individual.exempt(db, org["staff"].id, COURSE, "Joined from a partner firm", actor_id=None)
    guideline = "social-media-guideline"
    individual.record_completion(
        db, org["staff"].id, guideline, date(2026, 3, 1), "Classroom session", actor_id=None
    )
    db.commit()
    login(org["hr"])
    page = client.get(f"/people/{org['staff'].id}").get_data(as_text=True)
    menu = re.search(r'<select[^>]*name="exempt-course".*?</select>', page, re.S)
    assert menu is not None
    assert COURSE not in menu.group(0) and guideline not in menu.group(0)
    other = client.get(f"/people/{org['staff2'].id}").get_data(as_text=True)
    menu = re.search(r'<select[^>]*name="exempt-course".*?</select>', other, re.S)
    assert menu is not None and COURSE in menu.group(0) and guideline in menu.group(0)
