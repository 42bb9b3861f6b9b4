"""API clients: made here (the secret shown once, kept only as a hash), revoked here; the
access tokens Authlib issues to them; and the log of the calls they made."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from lms import clock
from lms.api.models import ApiCall, ApiClient, ApiToken, digest
from lms.api.scopes import SCOPES
from lms.audit import services as audit
from lms.call_log import add_call
from lms.messages import N_, Message
from lms.people.models import Employee

# Recognisable starts (as GitHub's ghp_): secret scanners and our log check can spot a leak.
SECRET_PREFIX = "pwapi_secret_"  # noqa: S105  (a prefix, not a secret)
TOKEN_PREFIX = "pwapi_"  # noqa: S105
TOKEN_LIFETIME = timedelta(hours=1)
CALLS_KEPT = 500  # HR's page shows the latest; older calls are purged as new ones come


@dataclass(frozen=True)
class NewClient:
    """A client just made: `secret` goes to the other system and is never shown again."""

    client: ApiClient
    secret: str


class ClientProblem(Exception):
    """A client cannot be made as asked; `field` names the form field at fault."""

    def __init__(self, field: str, message: Message) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


def create_client(
    session: Session,
    name: str,
    scopes: list[str],
    manager_email: str = "",
    *,
    actor_id: int | None,
) -> NewClient:
    """Make a client with the chosen scopes, optionally limited to a manager's line; audited
    by name and scopes, never by its secret."""
    name = name.strip()
    if not name:
        raise ClientProblem("name", N_("Give the client a name, such as the system that uses it."))
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown or not scopes:
        raise ClientProblem("scopes", N_("Choose at least one of the listed permissions."))
    manager_id = None
    if manager_email.strip():
        manager_id = session.scalar(
            select(Employee.id).where(Employee.email == manager_email.strip().lower())
        )
        if manager_id is None:
            raise ClientProblem(
                "manager_email",
                N_("Nobody has the address %(address)s.", address=manager_email.strip()),
            )
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    client = ApiClient(
        client_id="pwapi_client_" + secrets.token_hex(8),
        name=name,
        secret_hash=digest(secret),
        scopes=" ".join(sorted(set(scopes))),
        manager_id=manager_id,
        created_by_id=actor_id,
    )
    session.add(client)
    session.flush()
    line = f", the line of {manager_email.strip().lower()}" if manager_id else ""
    audit.record(
        session,
        "api.client_created",
        f"API client {name!r} ({client.scopes}{line})",
        actor_id=actor_id,
    )
    return NewClient(client, secret)


def revoke_client(session: Session, client: ApiClient, *, actor_id: int | None) -> None:
    """Stop a client and all its tokens at once; its row stays so the log still names it."""
    if client.revoked_at is None:
        client.revoked_at = clock.now()
        audit.record(
            session, "api.client_revoked", f"API client {client.name!r}", actor_id=actor_id
        )
        session.flush()


def clients(session: Session) -> list[ApiClient]:
    """Every client, newest first, with the manager whose line it sees."""
    query = select(ApiClient).options(joinedload(ApiClient.manager)).order_by(ApiClient.id.desc())
    return list(session.scalars(query))


def find_client(session: Session, client_id: str) -> ApiClient | None:
    """The client with this public id (revoked ones too: Authlib then refuses the secret)."""
    return session.scalar(select(ApiClient).where(ApiClient.client_id == client_id))


def new_access_token() -> str:
    """An access token's value: opaque and random."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def save_token(session: Session, client: ApiClient, access_token: str, scope: str) -> None:
    """Keep a just-issued token's hash, its scopes and when it stops working."""
    session.add(
        ApiToken(
            client_id=client.id,
            token_hash=digest(access_token),
            scopes=scope,
            expires_at=clock.now() + TOKEN_LIFETIME,
        )
    )
    session.flush()


def find_token(session: Session, access_token: str) -> ApiToken | None:
    """The token with this value, expired or not (the validator decides), with its client."""
    if not access_token.startswith(TOKEN_PREFIX):
        return None
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(access_token)))


def log_call(
    session: Session, client_id: int | None, method: str, path: str, status: int, detail: str | None
) -> None:
    """Keep one call for HR's page (and when its client was last used), dropping the oldest
    past CALLS_KEPT."""
    if client_id is not None:
        session.execute(
            update(ApiClient).where(ApiClient.id == client_id).values(last_used_at=clock.now())
        )
    add_call(
        session,
        ApiCall,
        CALLS_KEPT,
        method=method,
        path=path,
        status=status,
        detail=detail,
        client_id=client_id,
    )


def recent_calls(session: Session, limit: int = 50) -> list[ApiCall]:
    """The latest calls, newest first, each with its client."""
    query = select(ApiCall).options(joinedload(ApiCall.client)).order_by(ApiCall.id.desc())
    return list(session.scalars(query.limit(limit)))
