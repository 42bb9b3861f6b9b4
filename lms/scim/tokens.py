"""SCIM bearer tokens: made here, shown once, kept only as a hash; and the log of SCIM calls."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload

from lms import clock
from lms.audit import services as audit
from lms.call_log import add_call
from lms.scim.models import ScimCall, ScimToken

# A recognisable start, as GitHub's ghp_: secret scanners and our log check can spot a leak.
PREFIX = "pwscim_"
CALLS_KEPT = 200  # the page shows the latest; older calls are purged as new ones come
REFUSED = 400  # a call answered with this status or above failed


@dataclass(frozen=True)
class NewToken:
    """A token just made: `secret` goes to the identity provider and is never shown again."""

    token: ScimToken
    secret: str


class TokenProblem(Exception):
    """A token cannot be made or revoked as asked; the message says why."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(session: Session, name: str, *, actor_id: int | None) -> NewToken:
    """Make a token for one identity provider; audited by name, never by its value."""
    name = name.strip()
    if not name:
        raise TokenProblem("Give the token a name, such as the identity provider it is for.")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ScimToken(name=name, token_hash=_digest(secret), created_by_id=actor_id)
    session.add(token)
    session.flush()
    audit.record(session, "scim.token_created", f"SCIM token {name!r}", actor_id=actor_id)
    return NewToken(token, secret)


def revoke_token(session: Session, token_id: int, *, actor_id: int | None) -> ScimToken:
    """Stop a token working at once; its row stays so the page and the log still name it."""
    token = session.get(ScimToken, token_id)
    if token is None:
        raise TokenProblem("That token does not exist.")
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        audit.record(session, "scim.token_revoked", f"SCIM token {token.name!r}", actor_id=actor_id)
        session.flush()
    return token


def tokens(session: Session) -> list[ScimToken]:
    """Every token, newest first, for HR's page."""
    return list(session.scalars(select(ScimToken).order_by(ScimToken.id.desc())))


def authenticate(session: Session, secret: str) -> ScimToken | None:
    """The live token with this value, or None (log_call marks it used, in its own write)."""
    if not secret:
        return None
    digest = _digest(secret)
    # Looked up by its hash, then compared in constant time (the lookup leaks nothing usable:
    # knowing a prefix of a sha256 digest gives no prefix of the token).
    token = session.scalar(select(ScimToken).where(ScimToken.token_hash == digest))
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    if token.revoked_at is not None:
        return None
    return token


def log_call(
    session: Session, token_id: int | None, method: str, path: str, status: int, detail: str | None
) -> None:
    """Keep one call for HR's page (and when its token was last used), dropping the oldest
    past CALLS_KEPT."""
    if token_id is not None:
        session.execute(
            update(ScimToken).where(ScimToken.id == token_id).values(last_used_at=clock.now())
        )
    add_call(
        session,
        ScimCall,
        CALLS_KEPT,
        method=method,
        path=path,
        status=status,
        detail=detail,
        token_id=token_id,
    )


def recent_calls(session: Session, limit: int = 50, *, errors_only: bool = False) -> list[ScimCall]:
    """The latest calls, newest first, each with its token (or None: no valid token sent)."""
    query = select(ScimCall).options(joinedload(ScimCall.token)).order_by(ScimCall.id.desc())
    if errors_only:
        query = query.where(ScimCall.status >= REFUSED)
    return list(session.scalars(query.limit(limit)))


def active_token_count(session: Session) -> int:
    """How many tokens still work."""
    count = select(func.count()).select_from(ScimToken).where(ScimToken.revoked_at.is_(None))
    return session.scalar(count) or 0


@dataclass(frozen=True)
class CallCounts:
    """The calls kept since a moment; `complete` is False when older ones were purged
    (CALLS_KEPT) after that moment, so the counts are lower bounds."""

    last_at: datetime | None
    calls: int
    errors: int
    complete: bool


def call_counts(session: Session, since: datetime) -> CallCounts:
    """The latest call's time, and the calls and failed calls since `since`, in one query."""
    recent = ScimCall.at >= since
    row = session.execute(
        select(
            func.max(ScimCall.at),
            func.min(ScimCall.at),
            func.count(),
            func.count().filter(recent),
            func.count().filter(recent, ScimCall.status >= REFUSED),
        )
    ).one()
    last_at, oldest, kept, calls, errors = row
    purged_since = kept >= CALLS_KEPT and oldest is not None and oldest >= since
    return CallCounts(last_at=last_at, calls=calls, errors=errors, complete=not purged_since)
