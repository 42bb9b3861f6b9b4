"""@idempotent: an API write sent again with the same Idempotency-Key is answered as the
first time, not done twice (draft-ietf-httpapi-idempotency-key-header; see docs/api.md).

The header is optional. The first call with a key claims it in a transaction of its own
(committed at once, so a second call sees it), then runs the view; its answer is kept if
it is a 2xx or 4xx. A 5xx, or a crash, gives the key back so the client can try again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import Response, abort, current_app, g, request
from werkzeug.exceptions import HTTPException

from lms.api.auth import token
from lms.api.idempotency_keys import (
    Fingerprint,
    KeyInFlight,
    KeyReused,
    StoredAnswer,
    claim,
    keep_answer,
    release,
)
from lms.api.problems import from_http_error, problem
from lms.db import begin_write, write_transaction
from lms.dbsession import database, db_session

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
# An sf-string (RFC 8941) without escapes, quoted or not: visible ASCII, no " or \.
_KEY = re.compile(r'"([\x21\x23-\x5b\x5d-\x7e]+)"|([\x21\x23-\x5b\x5d-\x7e]+)')
_KEPT_HEADERS = ("Location", "ETag")  # besides Content-Type, what a replay sends again
F = TypeVar("F", bound=Callable[..., object])
# How the header appears in the OpenAPI document of each @idempotent operation.
HEADER_PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "description": "Send the same key again to repeat this call safely (kept 24 hours).",
    "schema": {"type": "string", "pattern": r"^[!#-\[\]-~]{1,255}$"},
}


def idempotent(view: F) -> F:
    """Honour an Idempotency-Key on this write (put it under require_scope: the key is the
    client's own)."""

    @wraps(view)
    def wrapped(*args: object, **kwargs: object) -> Response:
        raw = request.headers.get(HEADER)
        if raw is None:
            return current_app.make_response(view(*args, **kwargs))
        key = _key(raw)
        fingerprint = Fingerprint.of(
            request.method, request.full_path.rstrip("?"), request.get_data(cache=True)
        )
        client_id = token().client_id
        _end_request_transaction()  # SQLite: let go of the write lock for the claim's
        try:
            with write_transaction(database().sessions) as session:
                claim_id, stored = claim(session, client_id, key, fingerprint)
        except KeyReused as reused:
            abort(
                problem(
                    422,
                    f"This Idempotency-Key was already used for another request "
                    f"({reused.first.method} {reused.first.path}, or another body). "
                    "Use a new key for a new request.",
                    errors={HEADER: ["already used for a different request"]},
                )
            )
        except KeyInFlight:
            abort(
                problem(
                    409,
                    "A request with this Idempotency-Key is still being handled. "
                    "Wait for its answer, or send this one again in a moment.",
                    headers={"Retry-After": "1"},
                )
            )
        if stored is not None:
            return _replay(stored)
        begin_write(db_session())
        try:
            response = current_app.make_response(view(*args, **kwargs))
        except HTTPException as error:
            _end_request_transaction()  # what the view began is undone, as lms.errors does
            response = from_http_error(error)
        except BaseException:
            _finish(claim_id, None)
            raise
        _finish(claim_id, response)
        return response

    return wrapped  # type: ignore[return-value]


def _key(raw: str) -> str:
    """The key in the header, or a 400 problem saying what a key must be."""
    match = _KEY.fullmatch(raw.strip())
    key = (match.group(1) or match.group(2)) if match else ""
    if not key or len(key) > MAX_KEY_LENGTH:
        abort(
            problem(
                400,
                f"The {HEADER} header must be 1 to {MAX_KEY_LENGTH} visible ASCII characters "
                'without " or \\, such as a UUID; a fresh one for each new request.',
                errors={HEADER: ["not a valid key"]},
            )
        )
    return key


def _finish(claim_id: int, response: Response | None) -> None:
    """Keep the answer (2xx and 4xx) or give the key back (5xx, or no answer at all)."""
    _end_request_transaction()
    with write_transaction(database().sessions) as session:
        if response is None or response.status_code >= 500:
            release(session, claim_id)
        else:
            headers = {
                name: response.headers[name] for name in _KEPT_HEADERS if name in response.headers
            }
            headers["Content-Type"] = response.content_type or ""
            keep_answer(
                session, claim_id, StoredAnswer(response.status_code, headers, response.get_data())
            )


def _replay(stored: StoredAnswer) -> Response:
    response = Response(stored.body, status=stored.status, headers=stored.headers)
    response.headers[REPLAYED] = "true"
    return response


def _end_request_transaction() -> None:
    """Roll back the request's session: what the view changed is committed by now."""
    if (session := g.get("db_session")) is not None:
        session.rollback()
