"""Two provisioning calls that create the same person at once: one creates, the other hears
that the person exists (409), never a 500 from the database's unique index."""

from __future__ import annotations

import threading
import time
import zlib

import requests
from sqlalchemy import Connection, func, select, text

from lms.dbsession import database
from lms.people.models import Employee
from tests.scim.conftest import new_user

IMPORT_LOCK = zlib.crc32(b"people import")


def _post_together(
    url: str, token: str, body: dict
) -> tuple[list[requests.Response], list[threading.Thread]]:
    """Start two identical POSTs in threads; the answers fill in as they arrive."""
    answers: list[requests.Response] = []
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/scim+json"}

    def post() -> None:
        answers.append(requests.post(f"{url}/Users", json=body, headers=headers, timeout=30))

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    return answers, threads


def _waiting_for_lock(connection: Connection, count: int) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        waiting = connection.scalar(
            text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        )
        if waiting >= count:
            return True
        time.sleep(0.05)
    return False


def test_a_person_created_twice_at_once_is_created_once(app, db, org, token, live_scim):
    engine = database(app).engine
    body = new_user("E900", "twice@example.com")
    if engine.dialect.name == "postgresql":
        # Hold the people-import lock while both calls arrive, so both are in flight at once:
        # without the lock before the existence check, both would pass it.
        with engine.connect() as holder:
            holder.execute(text("SELECT pg_advisory_lock(:key)"), {"key": IMPORT_LOCK})
            answers, threads = _post_together(live_scim, token, body)
            assert _waiting_for_lock(holder, 2)
            holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": IMPORT_LOCK})
            holder.commit()
    else:  # SQLite: every write begins IMMEDIATE, so the calls already take turns
        answers, threads = _post_together(live_scim, token, body)
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(answer.status_code for answer in answers) == [201, 409]
    conflict = next(answer for answer in answers if answer.status_code == 409)
    assert conflict.json()["scimType"] == "uniqueness"
    assert db.scalar(select(func.count()).where(Employee.hris_id == "E900")) == 1
