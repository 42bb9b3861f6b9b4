"""Sending statements to the LRS from the outbox: queue settled events, claim, put, record.

The webhook sender's technique (lms/webhooks/delivery.py): each sender claims its batch in
one committed transaction (FOR UPDATE SKIP LOCKED on PostgreSQL, BEGIN IMMEDIATE on SQLite)
before sending anything, and a statement is marked sent only once the LRS has stored it;
a sender that dies in between leaves it "sending", offered again once the claim is stale.
A statement sent twice is harmless: its id is fixed, and the LRS keeps one copy.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta

import requests
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from lms import clock
from lms.db import write_transaction
from lms.events import DomainEvent
from lms.outbox import record_attempt, release_stale
from lms.retry import RECEIVER_RETRIES, RetryPolicy
from lms.xapi.models import (
    FAILED,
    HIGH_WATER_ID,
    QUEUED,
    SENDING,
    SENT,
    XapiHighWater,
    XapiStatement,
)
from lms.xapi.statements import KINDS, VERSION, build_statement, statement_id

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10
FAN_OUT_BATCH = 500
# On PostgreSQL an event's id is taken before its transaction commits, so a later id can be
# visible first. Events are taken only once this old, in id order, so none is passed by.
SETTLE = timedelta(hours=1)
XAPI_RETRIES = RECEIVER_RETRIES
# Answers that mean the LRS, or the way to it, is misconfigured for now: try again later.
# Any other 4xx refuses the statement itself, and sending it again would not help.
RETRY_CODES = frozenset({401, 403, 404, 408, 429})
MESSAGE_CHARS = 1000  # of an LRS's answer kept in last_error


@dataclass(frozen=True)
class Lrs:
    endpoint: str  # the LRS's xAPI base, e.g. https://lrs.example.com/xAPI/
    username: str
    password: str

    @property
    def statements_url(self) -> str:
        return self.endpoint.rstrip("/") + "/statements"


@dataclass
class SendSummary:
    queued: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return (
            f"queued {self.queued}, sent {self.sent}, will retry {self.retrying}, "
            f"failed {self.failed}"
        )


@dataclass(frozen=True)
class Claimed:
    id: int
    attempts: int
    statement_id: str
    body: bytes


def send_due(
    sessions: sessionmaker[Session],
    lrs: Lrs,
    *,
    base_url: str,
    policy: RetryPolicy,
    batch_size: int = 50,
) -> SendSummary:
    """Queue statements for settled events, then send every due one until none is left."""
    summary = SendSummary()
    _fan_out(sessions, base_url, summary)
    release_stale(sessions, XapiStatement, policy)
    with requests.Session() as http:
        http.auth = (lrs.username, lrs.password)
        http.headers.update(
            {
                "Content-Type": "application/json",
                "User-Agent": "Postwise-xAPI/1",
                "X-Experience-API-Version": VERSION,
            }
        )
        while batch := _claim(sessions, batch_size):
            for claimed in batch:
                _put(sessions, http, lrs, claimed, policy, summary)
    return summary


def _fan_out(sessions: sessionmaker[Session], base_url: str, summary: SendSummary) -> None:
    """Queue a statement for each settled event past the high-water mark, counted in
    `summary` (as failed if the event cannot make one).

    The mark row is locked while this runs, so two senders never queue one event (the
    unique event_id would stop the second anyway). The mark moves past events that have
    no statement too (person.deactivated).
    """
    while True:
        cutoff = clock.now() - SETTLE
        with write_transaction(sessions) as session:
            mark = session.scalars(
                select(XapiHighWater).where(XapiHighWater.id == HIGH_WATER_ID).with_for_update()
            ).one()
            unsettled = session.scalar(
                select(func.min(DomainEvent.id)).where(
                    DomainEvent.id > mark.last_event_id, DomainEvent.occurred_at > cutoff
                )
            )
            taken = select(DomainEvent).where(DomainEvent.id > mark.last_event_id)
            if unsettled is not None:
                taken = taken.where(DomainEvent.id < unsettled)
            events = list(session.scalars(taken.order_by(DomainEvent.id).limit(FAN_OUT_BATCH)))
            if not events:
                return
            rows = [_row(event, base_url) for event in events if event.kind in KINDS]
            if rows:
                session.execute(_insert_new(session), rows)
            mark.last_event_id = events[-1].id
            failed = sum(1 for row in rows if row["status"] == FAILED)
            summary.queued += len(rows) - failed
            summary.failed += failed


def _row(event: DomainEvent, base_url: str) -> dict[str, object]:
    """The outbox row for an event: queued, or failed if its payload cannot make a statement
    (kept so the outbox shows it, rather than stopping every later event behind it)."""
    now = clock.now()
    row: dict[str, object] = {
        "event_id": event.event_id,
        "statement_id": statement_id(event.event_id),
        "kind": event.kind,
        "status": QUEUED,
        "attempts": 0,
        "next_try_at": now,
        "created_at": now,
        "last_error": None,
    }
    try:
        statement = build_statement(
            kind=event.kind,
            event_id=event.event_id,
            occurred_at=event.occurred_at,
            data=json.loads(event.payload),
            base_url=base_url,
        )
    except (KeyError, TypeError) as missing:
        log.error("event %s cannot become an xAPI statement: %r", event.event_id, missing)
        error = f"The event's data has no {missing}, so no statement could be made."
        return row | {"statement": event.payload, "status": FAILED, "last_error": error}
    return row | {"statement": json.dumps(statement, separators=(",", ":"))}


def _insert_new(session: Session) -> postgresql.Insert | sqlite.Insert:
    """INSERT … ON CONFLICT (event_id) DO NOTHING, in the database's own dialect."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(XapiStatement).on_conflict_do_nothing(index_elements=["event_id"])


def _claim(sessions: sessionmaker[Session], size: int) -> list[Claimed]:
    """Take up to `size` due statements for this sender, committed before any is sent."""
    now = clock.now()
    with write_transaction(sessions) as session:
        due = list(
            session.scalars(
                select(XapiStatement)
                .where(XapiStatement.status == QUEUED, XapiStatement.next_try_at <= now)
                .order_by(XapiStatement.next_try_at, XapiStatement.id)
                .limit(size)
                .with_for_update(skip_locked=True)
            )
        )
        if not due:
            return []
        session.execute(
            update(XapiStatement)
            .where(XapiStatement.id.in_([row.id for row in due]))
            .values(status=SENDING, claimed_at=now)
        )
        return [
            Claimed(row.id, row.attempts, row.statement_id, row.statement.encode()) for row in due
        ]


def _put(
    sessions: sessionmaker[Session],
    http: requests.Session,
    lrs: Lrs,
    claimed: Claimed,
    policy: RetryPolicy,
    summary: SendSummary,
) -> None:
    """PUT the statement under its own id; record what the LRS answered."""
    code: int | None = None
    try:
        answer = http.put(
            lrs.statements_url,
            params={"statementId": claimed.statement_id},
            data=claimed.body,
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except requests.RequestException as failure:
        error = f"Could not reach the LRS: {type(failure).__name__}."
    else:
        code = answer.status_code
        if 200 <= code < 300 or code == 409:
            # 409: the LRS already holds a statement with this id, which only an earlier
            # send of this event can have made (the statement was built differently then).
            note = "The LRS already held a statement with this id." if code == 409 else None
            record_attempt(
                sessions,
                XapiStatement,
                claimed.id,
                status=SENT,
                code=code,
                error=note,
                sent_at=clock.now(),
            )
            summary.sent += 1
            return
        error = f"The LRS answered {code}: {_message(answer)}"
        if 400 <= code < 500 and code not in RETRY_CODES:
            record_attempt(
                sessions, XapiStatement, claimed.id, status=FAILED, code=code, error=error
            )
            summary.failed += 1
            log.warning("xAPI statement %s refused by the LRS: %s", claimed.id, error)
            return
    attempts = claimed.attempts + 1
    final = attempts >= policy.max_attempts
    record_attempt(
        sessions,
        XapiStatement,
        claimed.id,
        status=FAILED if final else QUEUED,
        code=code,
        error=error,
        next_try_at=clock.now() + policy.delay(attempts),
    )
    if final:
        summary.failed += 1
        log.warning("xAPI statement %s failed for good: %s", claimed.id, error)
    else:
        summary.retrying += 1


def _message(answer: requests.Response) -> str:
    """What the LRS said, briefly: its JSON `detail` or `message` if it has one."""
    try:
        body = answer.json()
    except ValueError:
        text = answer.text
    else:
        found = body.get("detail", body.get("message", body)) if isinstance(body, dict) else body
        text = found if isinstance(found, str) else _problems(found)
    text = " ".join(text.split()) or "(no message)"
    return text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 1] + "…"


def _problems(found: object) -> str:
    """Validation errors in the shape FastAPI LRSs (Ralph) answer: [{loc, msg, type}, …],
    as "where: what" with wrong values before missing or extra fields (the noise of a
    union of shapes tried one by one)."""
    if not isinstance(found, list) or not all(isinstance(e, dict) and "msg" in e for e in found):
        return json.dumps(found)
    noise = {"missing", "extra_forbidden", "literal_error"}
    ordered = sorted(found, key=lambda error: error.get("type") in noise)
    lines = [f"{'.'.join(map(str, error.get('loc', [])))}: {error['msg']}" for error in ordered]
    return "; ".join(dict.fromkeys(lines))
