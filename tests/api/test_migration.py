"""Schema 0018 adds API clients to a database that already has enrollments, and dates each
enrollment's last change from what it holds."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from lms import migrations
from lms.api import clients
from lms.db import make_engine
from lms.learning.models import Enrollment


def test_a_database_with_enrollments_upgrades(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/old.sqlite3")
    migrations.upgrade(engine, "0017")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO employees (id, hris_id, email, first_name, last_name, department,"
                " is_active, is_hr_admin, session_version, failed_sign_ins, weekly_digest,"
                " created_at, updated_at) VALUES (1, 'E1', 'p1@example.com', 'A', 'B', 'Sales',"
                " 1, 1, 1, 0, 1, '2026-01-01', '2026-01-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO courses (id, slug, kind, created_at)"
                " VALUES (1, 'c', 'course', '2026-01-01')"
            )
        )
        for n, completed in ((1, "'2026-02-05 10:00:00'"), (2, "NULL")):
            connection.execute(
                text(
                    "INSERT INTO enrollments (id, employee_id, course_id, cycle, source,"
                    f" assigned_at, completed_at) VALUES ({n}, 1, 1, {n}, 'assigned',"
                    f" '2026-01-03 09:00:00', {completed})"
                )
            )
    migrations.upgrade(engine)
    with Session(engine) as session:
        rows = session.execute(select(Enrollment.id, Enrollment.updated_at))
        changed = {enrollment_id: at for enrollment_id, at in rows}
        assert changed[1].isoformat() == "2026-02-05T10:00:00+00:00"
        assert changed[2].isoformat() == "2026-01-03T09:00:00+00:00"
        new = clients.create_client(
            session, "BI", ["read:completions"], "p1@example.com", actor_id=1
        )
        session.commit()
        assert clients.find_client(session, new.client.client_id).manager_id == 1
    engine.dispose()
