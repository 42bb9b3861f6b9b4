"""The sync limited to the people who changed (as SCIM runs it): the same result for them,
nothing done to anyone else."""

from __future__ import annotations

from sqlalchemy import select, update

from lms.assignments.services import RuleSpec, create_rule, sync_assignments
from lms.learning.models import Enrollment
from lms.people.models import Employee
from lms.people.org import person_and_line

COURSE = "social-media-essentials"


def _enrolled(db) -> set[int]:
    db.flush()
    open_ = select(Enrollment.employee_id).where(Enrollment.withdrawn_at.is_(None))
    return set(db.scalars(open_))


def test_person_and_line_is_the_person_and_everyone_below_them(db, org):
    ids = set(db.scalars(person_and_line(org["senior"].id)))
    assert ids == {org[name].id for name in ("senior", "lead", "staff", "staff2")}
    assert set(db.scalars(person_and_line(org["staff"].id))) == {org["staff"].id}


def test_a_limited_sync_touches_only_the_people_given(db, org, shipped_courses):
    create_rule(db, RuleSpec(COURSE, "everyone"), actor_id=org["hr"].id)
    summary = sync_assignments(db, person_and_line(org["lead"].id))
    assert summary.assigned == 3
    assert _enrolled(db) == {org["lead"].id, org["staff"].id, org["staff2"].id}
    everyone = sync_assignments(db)
    assert everyone.assigned == 3 and everyone.withdrawn == 0


def test_a_limited_sync_withdraws_only_the_people_given(db, org, shipped_courses):
    create_rule(db, RuleSpec(COURSE, "departments", ("Sales",)), actor_id=org["hr"].id)
    sync_assignments(db)
    db.execute(update(Employee).values(department="Ops"))  # everyone leaves Sales, unseen
    db.expire_all()
    sync_assignments(db, person_and_line(org["staff"].id))
    assert _enrolled(db) == {org["outsider"].id}  # only staff was looked at, and had nothing
    assert sync_assignments(db, person_and_line(org["outsider"].id)).withdrawn == 1
    assert _enrolled(db) == set()
