"""Idempotency keys, kept per client: claim a key for a call, keep the call's answer, and
hand that answer back when the same call comes again (draft-ietf-httpapi-idempotency-key).

The unique (client, key) constraint decides between two calls sent at once with one key:
one inserts the claim, the other's insert fails and it reads the claim instead.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms import clock
from lms.api.models import IdempotencyKey

KEY_LIFETIME = timedelta(hours=24)  # older keys are forgotten: a call with one is new
# A claim still unanswered after this long belongs to a call that died (the process was
# stopped mid-call): the next call with the key takes it over instead of hearing 409.
ABANDONED_AFTER = timedelta(minutes=10)


MAX_PATH = 500  # as stored, for messages; the digest covers the whole of it


@dataclass(frozen=True)
class Fingerprint:
    """What makes two calls "the same request": method, path with query, and body."""

    method: str
    path: str
    request_digest: str  # sha256 of the whole path with query, and the body

    @classmethod
    def of(cls, method: str, path: str, body: bytes) -> Fingerprint:
        digest = hashlib.sha256(path.encode() + b"\n" + body).hexdigest()
        return cls(method, path[:MAX_PATH], digest)


@dataclass(frozen=True)
class StoredAnswer:
    """The answer the first call with a key got."""

    status: int
    headers: dict[str, str]
    body: bytes


class KeyInFlight(Exception):
    """The first call with this key is still being handled."""


class KeyReused(Exception):
    """The key was used before for a different request."""

    def __init__(self, first: Fingerprint) -> None:
        super().__init__(f"the key was used for {first.method} {first.path}")
        self.first = first


def claim(
    session: Session, client_id: int, key: str, request: Fingerprint
) -> tuple[int, StoredAnswer | None]:
    """Take the key for this call: its claim's id and None (go ahead and answer it), or the
    claim's id and the stored answer to send again. KeyInFlight or KeyReused otherwise.

    Flushes only; the caller commits at once, so a second call sees the claim."""
    now = clock.now()
    for _ in range(3):  # a claim deleted or taken over between our insert and our read
        try:
            with session.begin_nested():
                row = IdempotencyKey(
                    client_id=client_id,
                    key=key,
                    method=request.method,
                    path=request.path,
                    request_digest=request.request_digest,
                    created_at=now,
                )
                session.add(row)
            return row.id, None
        except IntegrityError:
            pass
        found = session.scalar(
            select(IdempotencyKey).where(
                IdempotencyKey.client_id == client_id, IdempotencyKey.key == key
            )
        )
        if found is None:
            continue
        abandoned = found.status is None and found.created_at <= now - ABANDONED_AFTER
        if found.created_at <= now - KEY_LIFETIME or abandoned:
            session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == found.id))
            continue
        first = Fingerprint(found.method, found.path, found.request_digest)
        if first != request:
            raise KeyReused(first)
        if found.status is None or found.response_body is None:
            raise KeyInFlight()
        headers = json.loads(found.response_headers or "{}")
        return found.id, StoredAnswer(found.status, headers, found.response_body)
    raise KeyInFlight()


def keep_answer(session: Session, claim_id: int, answer: StoredAnswer) -> None:
    """Store the answer to the call that holds the claim (the caller commits)."""
    session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.id == claim_id)
        .values(
            status=answer.status,
            response_headers=json.dumps(answer.headers),
            response_body=answer.body,
        )
    )


def release(session: Session, claim_id: int) -> None:
    """Give the key back (the call failed on our side): the client may send it again."""
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == claim_id))


def purge(session: Session, older_than: timedelta = KEY_LIFETIME) -> int:
    """Delete keys older than `older_than`; how many went."""
    result = session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.created_at < clock.now() - older_than)
    )
    return result.rowcount or 0
