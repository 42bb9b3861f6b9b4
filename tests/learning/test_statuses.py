"""The status in SQL (for reports) and in Python (for one learner) never disagree."""

from __future__ import annotations

import itertools
from datetime import timedelta

from sqlalchemy import select

from lms import clock
from lms.learning.models import Enrollment
from lms.learning.statuses import STATUSES, status_of, status_sql


def test_sql_and_python_give_the_same_status_for_every_combination(
    db, make_employee, shipped_courses
):
    now = clock.now()
    course_id = shipped_courses["social-media-essentials"].course_id
    past, future = now - timedelta(days=1), now + timedelta(days=1)
    combinations = itertools.product(
        (None, past),  # completed_at
        (None, now),  # completion_recorded_at
        (None, now),  # exempted_at
        (None, past, future, now),  # due_at (due exactly now is not yet overdue)
        (None, past),  # started_at
    )
    for completed, recorded, exempted, due, started in combinations:
        person = make_employee(password=None)
        db.add(
            Enrollment(
                employee_id=person.id,
                course_id=course_id,
                assigned_at=past,
                completed_at=completed,
                completion_recorded_at=recorded if completed else None,
                exempted_at=exempted,
                due_at=due,
                started_at=started,
            )
        )
    db.commit()
    table = Enrollment.__table__
    in_sql = dict(db.execute(select(table.c.id, status_sql(table, now))).all())
    in_python = {e.id: status_of(e, now) for e in db.scalars(select(Enrollment))}
    assert len(in_python) == 64
    assert in_sql == in_python
    assert set(in_python.values()) == set(STATUSES)
