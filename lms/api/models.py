"""API clients HR creates, their access tokens (only hashes of either secret) and a short log
of the calls they made."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin
from authlib.oauth2.rfc6749.errors import InvalidScopeError
from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms import clock
from lms.db import Base, created_at, intpk, short_text
from lms.people.models import Employee


def digest(secret: str) -> str:
    """How a client secret or access token is kept: secrets are long and random, so a fast
    hash is enough (as for SCIM tokens)."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiClient(Base, ClientMixin):
    """A system HR lets read (or write) through /api/v1 with OAuth2 client credentials."""

    __tablename__ = "api_clients"

    id: Mapped[intpk]
    client_id: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[short_text]
    secret_hash: Mapped[str] = mapped_column(String(64))  # sha256, hex
    scopes: Mapped[str] = mapped_column(String(200))  # space-separated, from lms.api.scopes
    # A manager's reporting line: the client sees only those people (None: everyone).
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    created_at: Mapped[created_at]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    # Loaded with the clients (lms.api.clients.clients) or not at all.
    manager: Mapped[Employee | None] = relationship(foreign_keys=[manager_id], lazy="raise")

    # Authlib's ClientMixin: what the client-credentials grant asks of a client.
    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        """The asked scopes, all of which this client must hold; none asked means all it holds."""
        held = self.scopes.split()
        if not scope:
            return " ".join(held)
        if missing := [s for s in scope.split() if s not in held]:
            raise InvalidScopeError(f"This client does not have {', '.join(missing)}.")
        return scope

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        return self.revoked_at is None and hmac.compare_digest(
            digest(client_secret), self.secret_hash
        )

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "client_credentials"


class ApiToken(Base, TokenMixin):
    """An access token issued to a client; the token itself is given once and never kept."""

    __tablename__ = "api_tokens"

    id: Mapped[intpk]
    client_id: Mapped[int] = mapped_column(ForeignKey("api_clients.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[created_at]
    expires_at: Mapped[datetime]
    client: Mapped[ApiClient] = relationship(lazy="joined", innerjoin=True)

    # Authlib's TokenMixin: what the bearer validator asks of a token.
    def check_client(self, client: ClientMixin) -> bool:
        return isinstance(client, ApiClient) and client.id == self.client_id

    def get_scope(self) -> str:
        return self.scopes

    def get_expires_in(self) -> int:
        return max(0, int((self.expires_at - clock.now()).total_seconds()))

    def is_expired(self) -> bool:
        return self.expires_at <= clock.now()

    def is_revoked(self) -> bool:
        """A revoked client's tokens stop working at once."""
        return self.client.revoked_at is not None


class ApiCall(Base):
    """One API request, so HR can see what a client did and why a call failed."""

    __tablename__ = "api_calls"

    id: Mapped[intpk]
    at: Mapped[created_at]
    client_id: Mapped[int | None] = mapped_column(ForeignKey("api_clients.id"), index=True)
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    status: Mapped[int]
    detail: Mapped[str | None] = mapped_column(Text)
    client: Mapped[ApiClient | None] = relationship(lazy="raise")


class IdempotencyKey(Base):
    """A write a client marked with an Idempotency-Key, and the answer it got, so the same
    call sent again (after a timeout, say) is answered from here instead of done twice.
    `status` is None while the first call is still being handled."""

    __tablename__ = "api_idempotency_keys"
    __table_args__ = (
        UniqueConstraint("client_id", "key"),
        Index("ix_api_idempotency_keys_created_at", "created_at"),  # the purge's
    )

    id: Mapped[intpk]
    client_id: Mapped[int] = mapped_column(ForeignKey("api_clients.id"))
    key: Mapped[str] = mapped_column(String(255))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    request_digest: Mapped[str] = mapped_column(String(64))  # sha256 of path and body, hex
    status: Mapped[int | None]
    response_headers: Mapped[str | None] = mapped_column(Text)  # JSON: the ones replayed
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[created_at]
