"""The data layer's promises: UTC times round-trip, SQLite settings, writers that wait."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import OperationalError

from lms.db import begin_write
from lms.dbsession import database
from lms.people.models import Employee


def test_times_come_back_aware_and_in_utc(db, make_employee):
    person = make_employee()
    paris = timezone(timedelta(hours=1))
    db.execute(
        update(Employee)
        .where(Employee.id == person.id)
        .values(locked_until=datetime(2026, 3, 2, 10, 30, tzinfo=paris))
    )
    db.commit()
    db.expire_all()
    stored = db.scalar(select(Employee.locked_until).where(Employee.id == person.id))
    assert stored == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    assert stored.tzinfo is not None


def test_naive_datetimes_are_refused(db, make_employee):
    person = make_employee()
    person = db.merge(person)
    person.locked_until = datetime(2026, 3, 2, 9, 30)  # noqa: DTZ001 - the point of the test
    with pytest.raises(Exception, match="naive datetimes"):
        db.commit()
    db.rollback()


def test_sqlite_connections_use_wal_and_foreign_keys(app):
    engine = database(app).engine
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30000


def _read_then_write(app, person_id: int, *, immediate: bool, after_read=None, wait_for=None):
    """A unit of work that reads a value and writes it back changed.

    Returns the OperationalError SQLite raised, if any. `after_read` is set once the value
    is read; the write waits for `wait_for` (at most half a second).
    """
    session = database(app).sessions()
    try:
        if immediate:
            begin_write(session)
        count = session.scalar(select(Employee.failed_sign_ins).where(Employee.id == person_id))
        if after_read is not None:
            after_read.set()
        if wait_for is not None:
            wait_for.wait(timeout=0.5)
        session.execute(
            update(Employee).where(Employee.id == person_id).values(failed_sign_ins=count + 1)
        )
        session.commit()
    except OperationalError as error:
        session.rollback()
        return error
    finally:
        session.close()
    return None


@pytest.mark.parametrize("immediate", [True, False])
def test_concurrent_read_then_write(app, db, make_employee, immediate):
    """With begin_write the second writer waits its turn; without it, SQLite refuses one."""
    if database(app).engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL locks rows instead; covered where rows are locked")
    person = make_employee(password=None)
    first_has_read, second_is_done = threading.Event(), threading.Event()
    outcome: list = []
    first = threading.Thread(
        target=lambda: outcome.append(
            _read_then_write(
                app,
                person.id,
                immediate=immediate,
                after_read=first_has_read,
                wait_for=second_is_done,
            )
        )
    )
    first.start()
    assert first_has_read.wait(timeout=5)
    second = _read_then_write(app, person.id, immediate=immediate)
    second_is_done.set()
    first.join()
    errors = [error for error in [*outcome, second] if error is not None]
    db.expire_all()
    final = db.scalar(select(Employee.failed_sign_ins).where(Employee.id == person.id))
    if immediate:
        assert errors == []
        assert final == 2  # neither update was lost
    else:
        assert len(errors) == 1
        assert "locked" in str(errors[0])
