"""Schema 0008: the index the reports count from, added to databases people already have."""

from __future__ import annotations

import pytest
from sqlalchemy import event, inspect, text

from lms import migrations
from lms.db import make_engine
from lms.people.org import Scope
from lms.reports.completions import summary


def test_an_existing_database_upgrades_to_0008_keeping_its_rows(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/old.sqlite3")
    migrations.upgrade(engine, "0007")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO employees (id, hris_id, email, first_name, last_name, is_active,"
                " is_hr_admin, session_version, failed_sign_ins, created_at, updated_at)"
                " VALUES (1, 'E1', 'a@example.com', 'A', 'B', 1, 0, 1, 0, '2026-01-01',"
                " '2026-01-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO courses (id, slug, kind, created_at)"
                " VALUES (1, 'c', 'course', '2026-01-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO enrollments (id, employee_id, course_id, cycle, source, assigned_at)"
                " VALUES (1, 1, 1, 1, 'assigned', '2026-01-01')"
            )
        )
    migrations.upgrade(engine)
    assert migrations.is_current(engine)
    indexes = {index["name"] for index in inspect(engine).get_indexes("enrollments")}
    assert "ix_enrollments_progress" in indexes
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM enrollments")).scalar() == 1
    engine.dispose()


def test_counting_a_line_reads_the_index_alone(db, org):
    """SQLite's plan for the team page's counts uses the index as a covering index."""
    if db.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's query plan; PostgreSQL chooses its own")
    run: list[tuple[str, object]] = []
    engine = db.get_bind().engine
    listener = lambda _c, _cur, sql, params, *_a: run.append((sql, params))  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        summary(db, Scope(org["lead"].id))
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    sql, params = run[-1]
    plan = " ".join(
        row[-1] for row in db.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
    )
    assert "USING COVERING INDEX ix_enrollments_progress" in plan
