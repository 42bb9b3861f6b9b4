"""Migration 0014 adds the SAML assertion ids table to an existing database, keeping its rows."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from lms import migrations
from lms.db import make_engine


def test_an_existing_database_upgrades_to_saml_assertion_ids(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path}/old.sqlite3")
    migrations.upgrade(engine, "0013")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO employees (id, hris_id, email, first_name, last_name, is_active,"
                " is_hr_admin, session_version, weekly_digest, failed_sign_ins, created_at,"
                " updated_at) VALUES (1, 'E1', 'a@example.com', 'A', 'B', 1, 0, 1, 1, 0,"
                " '2026-01-01', '2026-01-01')"
            )
        )
    assert "saml_assertions_seen" not in inspect(engine).get_table_names()
    migrations.upgrade(engine)
    assert "saml_assertions_seen" in inspect(engine).get_table_names()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT email FROM employees")).scalar() == "a@example.com"
    engine.dispose()
