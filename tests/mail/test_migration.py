"""Schema 0009 adds the outbox and the digest choice to a database that has people in it."""

from __future__ import annotations

from sqlalchemy import inspect, text

from lms import migrations
from lms.db import make_engine


def test_a_database_with_people_upgrades_and_everyone_keeps_the_digest(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/old.sqlite3")
    migrations.upgrade(engine, "0008")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO employees (id, hris_id, email, first_name, last_name, is_active,"
                " is_hr_admin, session_version, failed_sign_ins, created_at, updated_at)"
                " VALUES (1, 'E1', 'ana@example.com', 'Ana', 'Silva', 1, 0, 1, 0,"
                " '2026-01-01', '2026-01-01')"
            )
        )
    migrations.upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT weekly_digest FROM employees")).scalar() == 1
        assert connection.execute(text("SELECT count(*) FROM outbox")).scalar() == 0
    assert "uq_outbox_dedup_key" in {
        constraint["name"] for constraint in inspect(engine).get_unique_constraints("outbox")
    }
    engine.dispose()
