"""Each event is recorded by the real service action, in its transaction; URLs are checked."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select, text

from lms import migrations
from lms.assignments.individual import record_completion
from lms.db import make_engine
from lms.events import DomainEvent
from lms.learning.services import acknowledge_guideline
from lms.people.importer import import_people
from lms.webhooks.subscriptions import SubscriptionError, check_url
from tests.people.hris_files import MAX_BYTES, csv_file, person_row


def events(db):
    db.rollback()
    return [(e.kind, json.loads(e.payload)) for e in db.scalars(select(DomainEvent))]


def test_an_hris_import_that_deactivates_records_person_deactivated(db):
    import_people(db, csv_file(person_row("E1"), person_row("E2")), max_bytes=MAX_BYTES)
    db.commit()
    import_people(
        db,
        csv_file(person_row("E1", status="inactive")),
        max_bytes=MAX_BYTES,
        deactivate_missing=True,
        confirmed_deactivations=2,
    )
    db.commit()
    recorded = events(db)
    assert sorted(payload["person"]["employee_id"] for _, payload in recorded) == ["E1", "E2"]
    assert {kind for kind, _ in recorded} == {"person.deactivated"}
    assert recorded[0][1]["person"]["email"].endswith("@example.com")


def test_acknowledging_the_guideline_records_all_three_learning_events(
    db, org, shipped_courses, enrol
):
    guideline = shipped_courses["social-media-guideline"]
    enrol(org["staff"], guideline)
    acknowledge_guideline(db, org["staff"].id, guideline, None)
    db.commit()
    recorded = dict(events(db))
    assert set(recorded) == {"attestation.recorded", "enrollment.completed", "certificate.issued"}
    assert recorded["enrollment.completed"]["completed_at"] == "2026-03-02T09:00:00+00:00"
    assert recorded["certificate.issued"]["certificate"]["code"]
    assert recorded["enrollment.completed"]["recorded_by_hr"] is False
    assert recorded["enrollment.completed"]["course"] == {
        "slug": "social-media-guideline",
        "version": guideline.number,
    }


def test_a_completion_hr_records_is_announced_too(db, org, shipped_courses):
    """A classroom session HR records is a completion like any other for receivers."""
    record_completion(
        db,
        org["staff"].id,
        "social-media-essentials",
        date(2026, 2, 20),
        "Classroom session in Leeds",
        actor_id=org["hr"].id,
    )
    db.commit()
    [(kind, data)] = events(db)
    assert kind == "enrollment.completed"
    assert data["recorded_by_hr"] is True
    assert data["completed_at"] == "2026-02-20T00:00:00+00:00"
    assert data["course"] == {"slug": "social-media-essentials", "version": None}
    assert data["person"]["employee_id"] == org["staff"].hris_id


@pytest.mark.parametrize(
    ("url", "production", "problem"),
    [
        ("ftp://example.com/", False, "must start with https://"),
        ("http://example.com/hook", False, "http:// only to localhost"),
        ("http://example.com/hook", True, "Use an https:// URL"),
        ("https://10.0.0.5/hook", True, "internal address"),
        ("https://169.254.169.254/latest", True, "internal address"),
        ("https://localhost/hook", True, "internal address"),
        ("https://u:p@example.com/", True, "user name and password"),
    ],
)
def test_urls_postwise_will_not_post_to_are_refused_with_the_reason(url, production, problem):
    with pytest.raises(SubscriptionError, match=problem):
        check_url(url, production=production)


def test_urls_that_are_allowed():
    assert check_url("http://127.0.0.1:8080/x", production=False) == "http://127.0.0.1:8080/x"
    assert check_url(" https://hooks.example.com/p ", production=True) == (
        "https://hooks.example.com/p"
    )


def test_schema_0019_upgrades_a_database_from_0018(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/old.sqlite3")
    migrations.upgrade(engine, "0018")
    migrations.upgrade(engine, "0019")
    with engine.begin() as connection:
        tables = {row[0] for row in connection.execute(text("SELECT name FROM sqlite_master"))}
    assert {"domain_events", "webhook_subscriptions", "webhook_deliveries"} <= tables
    engine.dispose()
