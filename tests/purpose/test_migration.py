"""Schema 0012 adds the quarterly purpose figures to a database that already has answers."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from lms import clock, migrations
from lms.db import make_engine
from lms.purpose.snapshots import due, publish, report


def test_a_database_with_answers_upgrades_and_publishes_them_when_the_quarter_closes(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/old.sqlite3")
    migrations.upgrade(engine, "0010")
    with engine.begin() as connection:
        for n in range(1, 6):
            connection.execute(
                text(
                    "INSERT INTO employees (id, hris_id, email, first_name, last_name, department,"
                    " is_active, is_hr_admin, session_version, failed_sign_ins, weekly_digest,"
                    " created_at, updated_at) VALUES (:n, :hris, :email, 'A', 'B', 'Sales', 1, 0,"
                    " 1, 0, 1, '2026-01-01', '2026-01-01')"
                ),
                {"n": n, "hris": f"E{n}", "email": f"p{n}@example.com"},
            )
            connection.execute(
                text(
                    "INSERT INTO purpose_assessments (employee_id, taken_at, business, community,"
                    " learning, job_seeking, vanity) VALUES (:n, '2026-02-01', 4, 2, 2, 1, 1)"
                ),
                {"n": n},
            )
    migrations.upgrade(engine, "0012")
    clock.freeze(datetime(2026, 4, 2, tzinfo=UTC))
    with Session(engine) as session:
        quarter = due(session)
        assert quarter is not None and quarter.key == "2026-Q1"
        publish(session, quarter)
        session.commit()
        [sales] = report(session).figures
        assert (sales.label, sales.people, sales.averages["business"]) == ("Sales", 5, 4.0)
        assert due(session) is None
    engine.dispose()
