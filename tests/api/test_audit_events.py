"""GET /api/v1/audit-events: HR's audit log, filtered and paged; never for a manager's line."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms import clock
from lms.audit.services import record
from tests.api.calls import assert_problem, caller, walk


@pytest.fixture
def events(db, org) -> list[int]:
    """Three HR actions a day apart (after the client's own creation, also in the log)."""
    made = []
    for action, target in [
        ("role.granted", org["lead"].email),
        ("mail.nudged", org["staff"].email),
        ("role.revoked", org["lead"].email),
    ]:
        clock.advance(timedelta(days=1))
        made.append(record(db, action, target, actor_id=org["hr"].id, after="an HR admin").id)
    db.commit()
    return made


@pytest.fixture
def call(app, make_client):
    return caller(app, make_client(scopes=["read:audit"]))


def test_events_come_oldest_first_a_page_at_a_time(call, events, org):
    rows = walk(call, "/audit-events?limit=2")
    assert [row["action"] for row in rows] == [
        "api.client_created",
        "role.granted",
        "mail.nudged",
        "role.revoked",
    ]
    assert [row["id"] for row in rows[1:]] == events
    assert rows[0]["actor_email"] is None  # the test made the client, as the command line
    assert rows[1] == {
        "id": events[0],
        "at": "2026-03-03T09:00:00+00:00",
        "actor_email": org["hr"].email,
        "action": "role.granted",
        "what": "Made an HR admin",
        "target": org["lead"].email,
        "before": None,
        "after": "an HR admin",
    }


def test_filters_by_action_and_since(call, events):
    assert [row["id"] for row in walk(call, "/audit-events?action=role.granted")] == events[:1]
    recent = walk(call, "/audit-events?since=2026-03-04T09:00:00%2B00:00&limit=1")
    assert [row["id"] for row in recent] == events[1:]
    assert walk(call, "/audit-events?action=course.published") == []


def test_times_utc_cannot_hold_mean_the_beginning_and_the_end(call, events):
    """Year 1 at +01:00 is in year 0 in UTC, and 9999-12-31 at -01:00 in year 10000: valid
    ISO 8601 that Python's datetime cannot convert (schemathesis found the 500)."""
    everything = walk(call, "/audit-events?since=0001-01-01T00:13:00%2B01:00")
    assert everything == walk(call, "/audit-events") and len(everything) > len(events)
    assert walk(call, "/audit-events?since=9999-12-31T23:30:00-01:00") == []


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("action=role.deleted", "action"),
        ("since=2026-03-04", "since"),
        ("since=2026-03-04T09:00:00", "since"),  # no time zone
        ("limit=none", "limit"),
        ("cursor=x", "cursor"),
    ],
)
def test_a_bad_parameter_is_a_problem_that_names_it(call, query, name):
    body = assert_problem(call(f"/audit-events?{query}"), 422, name)
    assert list(body["errors"]) == [name]


def test_the_log_needs_read_audit(app, make_client, events):
    without = caller(app, make_client(scopes=["read:completions", "read:people"]))
    assert_problem(without("/audit-events"), 403, "read:audit")


def test_a_manager_scoped_client_may_not_read_the_log(app, make_client, org, events):
    team = caller(app, make_client(scopes=["read:audit"], manager=org["senior"].email))
    assert_problem(team("/audit-events"), 403, "The audit log is HR's")


def test_an_unchanged_page_answers_304(call, events, db, org):
    etag = call("/audit-events").headers["ETag"]
    again = call("/audit-events", If_None_Match=etag)
    assert again.status_code == 304 and again.data == b""
    record(db, "mail.retried", "2 emails", actor_id=org["hr"].id)
    db.commit()
    assert call("/audit-events", If_None_Match=etag).status_code == 200
