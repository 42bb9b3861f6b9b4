"""`lms xapi send` against a real LRS (Ralph) on loopback: shapes, settling, retries, races."""

from __future__ import annotations

import json
import threading
import uuid
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from lms import clock
from lms.assignments.individual import record_completion
from lms.events import PERSON_DEACTIVATED, DomainEvent, record_event
from lms.learning.services import acknowledge_guideline
from lms.xapi.delivery import SETTLE, XAPI_RETRIES
from lms.xapi.models import XapiHighWater, XapiStatement
from lms.xapi.statements import statement_id
from tests.xapi.helpers import body, completion, send, settle, statements

GUIDELINE = "social-media-guideline"
BASE = "http://postwise.test"


def test_an_acknowledgement_reaches_the_lrs_as_three_valid_statements(
    app, db, org, shipped_courses, enrol, lrs
):
    from ralph.models.xapi.base.statements import BaseXapiStatement

    staff = org["staff"]
    enrol(staff, shipped_courses[GUIDELINE])
    acknowledge_guideline(db, staff.id, shipped_courses[GUIDELINE], None)
    db.commit()
    events = {e.kind: e for e in db.scalars(select(DomainEvent))}
    settle()
    summary = send(app)
    assert (summary.queued, summary.sent, summary.retrying, summary.failed) == (3, 3, 0, 0)
    rows = {row.kind: row for row in statements(db)}
    assert set(rows) == {"attestation.recorded", "enrollment.completed", "certificate.issued"}
    course = f"{BASE}/courses/{GUIDELINE}/versions/1"
    verbs = {
        "attestation.recorded": "http://activitystrea.ms/schema/1.0/accept",
        "enrollment.completed": "http://adlnet.gov/expapi/verbs/completed",
        "certificate.issued": "http://id.tincanapi.com/verb/earned",
    }
    for kind, row in rows.items():
        assert (row.status, row.status_code, row.attempts) == ("sent", 204, 1)
        assert row.statement_id == statement_id(events[kind].event_id)
        stored = lrs.statement(row.statement_id)
        assert stored is not None, f"the LRS has no {kind} statement"
        BaseXapiStatement.model_validate(stored)  # Ralph's own model of a 1.0.3 statement
        assert stored["id"] == row.statement_id
        assert stored["actor"]["account"] == {"homePage": BASE, "name": staff.hris_id}
        assert stored["verb"]["id"] == verbs[kind]
        assert stored["timestamp"].startswith(events[kind].occurred_at.strftime("%Y-%m-%dT%H:%M"))
        assert stored["context"]["platform"] == "Postwise"
    assert lrs.statement(rows["attestation.recorded"].statement_id)["object"]["id"] == course
    completed = lrs.statement(rows["enrollment.completed"].statement_id)
    assert completed["object"]["id"] == course
    assert completed["result"]["completion"] is True
    certificate = lrs.statement(rows["certificate.issued"].statement_id)
    code = body(rows["certificate.issued"])["object"]["id"].rsplit("/", 1)[1]
    assert certificate["object"]["id"] == f"{BASE}/verify/{code}"
    assert certificate["context"]["contextActivities"]["parent"][0]["id"] == course
    # The completion and its certificate belong to one enrollment: one registration.
    assert certificate["context"]["registration"] == completed["context"]["registration"]
    again = send(app)
    assert (again.queued, again.sent) == (0, 0)  # nothing is queued or sent twice


def test_a_score_is_sent_as_a_scaled_result(app, db, lrs):
    completion(db, 1, score=85)
    db.commit()
    settle()
    send(app)
    [row] = statements(db)
    result = lrs.statement(row.statement_id)["result"]
    assert result["score"] == {"scaled": 0.85, "raw": 85, "min": 0, "max": 100}
    assert result["success"] is True


def test_a_completion_hr_recorded_names_the_course_and_the_day_it_happened(
    app, db, org, shipped_courses, lrs
):
    from ralph.models.xapi.base.statements import BaseXapiStatement

    record_completion(
        db,
        org["staff"].id,
        "social-media-essentials",
        date(2026, 2, 20),
        "Classroom session in Leeds",
        actor_id=org["hr"].id,
    )
    db.commit()
    settle()
    assert send(app).sent == 1
    [row] = statements(db)
    stored = lrs.statement(row.statement_id)
    BaseXapiStatement.model_validate(stored)
    assert stored["object"]["id"] == f"{BASE}/courses/social-media-essentials"
    assert stored["timestamp"].startswith("2026-02-20T00:00:00")
    assert "score" not in stored["result"]


def test_statements_trail_their_events_by_the_settle_window(app, db, lrs):
    completion(db, 1)
    db.commit()
    clock.advance(SETTLE - timedelta(minutes=1))
    early = send(app)
    assert (early.queued, early.sent) == (0, 0)
    assert statements(db) == []
    clock.advance(timedelta(minutes=2))
    assert send(app).sent == 1
    [row] = statements(db)
    assert lrs.statement(row.statement_id) is not None


def test_an_unsettled_event_holds_back_the_ids_after_it(app, db, lrs):
    """An id seen before a smaller one committed must wait: the mark only moves past ids
    whose whole prefix has settled (another host's clock may be behind)."""
    completion(db, 1)
    db.flush()
    completion(db, 2)
    db.commit()
    _, second = db.scalars(select(DomainEvent).order_by(DomainEvent.id)).all()
    db.execute(
        update(DomainEvent)
        .where(DomainEvent.id == second.id)
        .values(occurred_at=clock.now() - 2 * SETTLE)
    )
    db.commit()
    assert send(app).queued == 0
    settle()
    assert send(app).queued == 2


def test_person_deactivated_sends_nothing_and_is_passed_by(app, db, lrs):
    record_event(db, PERSON_DEACTIVATED, {"person": {"id": 1, "employee_id": "E1"}})
    db.commit()
    settle()
    summary = send(app)
    assert (summary.queued, summary.sent) == (0, 0)
    assert statements(db) == []
    event_id = db.scalar(select(DomainEvent.id))
    assert db.scalar(select(XapiHighWater.last_event_id)) == event_id


def test_a_statement_sent_again_after_a_lost_answer_is_stored_once(app, db, lrs):
    """The sender stopped after the LRS stored the statement but before recording it: it is
    sent again once the claim is stale, and the LRS keeps one copy."""
    completion(db, 1)
    db.commit()
    settle()
    send(app)
    [row] = statements(db)
    db.execute(
        update(XapiStatement)
        .where(XapiStatement.id == row.id)
        .values(status="sending", claimed_at=clock.now(), sent_at=None)
    )
    db.commit()
    clock.advance(XAPI_RETRIES.stale_after + timedelta(minutes=1))
    assert send(app).sent == 1
    [again] = statements(db)
    assert (again.status, again.attempts, again.status_code) == ("sent", 2, 204)
    assert lrs.copies(row.statement_id) == 1
    assert lrs.statement(row.statement_id)["id"] == row.statement_id


def test_an_lrs_that_is_down_is_tried_again_later(make_app, db, own_lrs):
    app = make_app(**own_lrs.app_settings())
    completion(db, 1)
    db.commit()
    settle()
    down = send(app)
    assert (down.queued, down.sent, down.retrying) == (1, 0, 1)
    [row] = statements(db)
    assert (row.status, row.attempts, row.status_code) == ("queued", 1, None)
    assert row.last_error == "Could not reach the LRS: ConnectionError."
    assert row.next_try_at == clock.now() + XAPI_RETRIES.delay(1)
    own_lrs.up()
    assert send(app).sent == 0  # not due yet
    clock.advance(XAPI_RETRIES.delay(1))
    assert send(app).sent == 1
    [sent] = statements(db)
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 2, None)
    assert own_lrs.statement(sent.statement_id) is not None


def test_wrong_credentials_are_tried_again_until_they_are_fixed(make_app, db, lrs):
    completion(db, 1)
    db.commit()
    settle()
    wrong = make_app(**lrs.app_settings(XAPI_PASSWORD="not-the-password"))
    assert send(wrong).retrying == 1
    [row] = statements(db)
    assert (row.status, row.status_code) == ("queued", 401)
    assert row.last_error.startswith("The LRS answered 401: Invalid authentication credentials")
    clock.advance(XAPI_RETRIES.delay(1))
    assert send(make_app(**lrs.app_settings())).sent == 1
    assert lrs.statement(row.statement_id) is not None


def test_a_statement_the_lrs_finds_invalid_fails_at_once_with_its_message(make_app, db, lrs):
    """A BASE_URL that is no IRI makes every statement invalid: trying again cannot help."""
    app = make_app(**lrs.app_settings(BASE_URL="http://post wise"))
    completion(db, 1)
    db.commit()
    settle()
    summary = send(app)
    assert (summary.sent, summary.retrying, summary.failed) == (0, 0, 1)
    [row] = statements(db)
    assert (row.status, row.status_code, row.attempts) == ("failed", 422, 1)
    assert row.last_error.startswith(
        "The LRS answered 422: body.actor.BaseXapiAgentWithAccount.account.homePage: "
    )
    assert "'http://post wise' is not a valid 'IRI'" in row.last_error
    assert lrs.statement(row.statement_id) is None
    clock.advance(timedelta(days=1))
    assert send(app).failed == 0  # never tried again


def test_a_bad_request_fails_at_once_with_the_lrs_message(make_app, db, lrs, own_lrs):
    completion(db, 1)
    db.commit()
    settle()
    send(make_app(**own_lrs.app_settings()))  # not up: the statement stays queued
    [row] = statements(db)
    # A body whose id disagrees with the statementId it is put under: the LRS answers 400.
    disagreeing = body(row) | {"id": str(uuid.uuid4())}
    db.execute(
        update(XapiStatement)
        .where(XapiStatement.id == row.id)
        .values(statement=json.dumps(disagreeing))
    )
    db.commit()
    clock.advance(XAPI_RETRIES.delay(1))
    summary = send(make_app(**lrs.app_settings()))
    assert (summary.sent, summary.retrying, summary.failed) == (0, 0, 1)
    [failed] = statements(db)
    assert (failed.status, failed.status_code, failed.attempts) == ("failed", 400, 2)
    assert failed.last_error == (
        "The LRS answered 400: xAPI statement id does not match given statementId"
    )


@pytest.mark.parametrize("count", [30])
def test_two_senders_at_once_send_each_statement_once(app, db, lrs, count):
    for n in range(count):
        completion(db, n)
    db.commit()
    settle()
    start = threading.Barrier(2)
    results = []

    def run() -> None:
        start.wait()
        results.append(send(app, batch_size=2))

    senders = [threading.Thread(target=run) for _ in range(2)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(timeout=120)
    rows = statements(db)
    assert len(rows) == count
    assert Counter((row.status, row.attempts) for row in rows) == {("sent", 1): count}
    assert sum(result.queued for result in results) == count
    assert sum(result.sent for result in results) == count
    assert {lrs.copies(row.statement_id) for row in rows} == {1}


def test_an_lrs_that_fails_is_tried_again_and_given_up_on_after_the_last_try(make_app, db, own_lrs):
    """Ralph answers 500 when it cannot write its statements file (here a folder)."""
    app = make_app(**own_lrs.app_settings())
    own_lrs.up()
    broken = own_lrs.folder / "statements" / "fs_lrs.jsonl"
    broken.mkdir()
    completion(db, 1)
    completion(db, 2)
    db.commit()
    settle()
    assert send(app).retrying == 2
    first, second = statements(db)
    assert (first.status, first.status_code) == ("queued", 500)
    assert first.last_error.startswith("The LRS answered 500: ")
    db.execute(
        update(XapiStatement)
        .where(XapiStatement.id == second.id)
        .values(attempts=XAPI_RETRIES.max_attempts - 1)
    )
    db.commit()
    clock.advance(XAPI_RETRIES.longest_delay)
    last = send(app)
    assert (last.retrying, last.failed) == (1, 1)
    assert [row.status for row in statements(db)] == ["queued", "failed"]
    broken.rmdir()
    clock.advance(XAPI_RETRIES.longest_delay)
    assert send(app).sent == 1
    assert [row.status for row in statements(db)] == ["sent", "failed"]
    assert own_lrs.statement(first.statement_id) is not None


def test_an_event_that_cannot_make_a_statement_is_kept_as_failed_and_holds_nothing_up(app, db, lrs):
    record_event(db, "enrollment.completed", {"person": {"id": 1, "employee_id": "E1"}})
    db.flush()
    completion(db, 2)
    db.commit()
    settle()
    summary = send(app)
    assert (summary.queued, summary.sent, summary.failed) == (1, 1, 1)
    broken, fine = statements(db)
    assert (broken.status, broken.attempts) == ("failed", 0)
    assert broken.last_error == "The event's data has no 'course', so no statement could be made."
    assert fine.status == "sent"
    assert lrs.statement(fine.statement_id) is not None
