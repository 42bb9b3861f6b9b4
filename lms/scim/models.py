"""SCIM bearer tokens (only their hashes) and a short log of the calls the provider made."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Base, created_at, intpk, short_text


class ScimToken(Base):
    """A token HR gave an identity provider; the token itself is shown once and never kept."""

    __tablename__ = "scim_tokens"

    id: Mapped[intpk]
    name: Mapped[short_text]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256, hex
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    created_at: Mapped[created_at]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class ScimCall(Base):
    """One SCIM request, so HR can see what the provider did and why a call failed."""

    __tablename__ = "scim_calls"

    id: Mapped[intpk]
    at: Mapped[created_at]
    token_id: Mapped[int | None] = mapped_column(ForeignKey("scim_tokens.id"), index=True)
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    status: Mapped[int]
    detail: Mapped[str | None] = mapped_column(Text)
    # Loaded with the calls (tokens.recent_calls) or not at all: a page never asks per row.
    token: Mapped[ScimToken | None] = relationship(lazy="raise")


class ScimUserName(Base):
    """A SCIM userName that is not the person's address (a login name some directories use):
    kept so the provider reads back what it sent. Most people have no row: userName is email."""

    __tablename__ = "scim_user_names"

    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), primary_key=True)
    user_name: Mapped[str] = mapped_column(String(320), unique=True)


class ScimRemovedUser(Base):
    """A person the identity provider DELETEd: deactivated and gone from the SCIM API (a GET
    answers 404), while Postwise keeps them and their history. Creating them again through
    SCIM takes them back."""

    __tablename__ = "scim_removed_users"

    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), primary_key=True)
    removed_at: Mapped[created_at]


class ScimPreferredLanguage(Base):
    """A preferredLanguage as the provider sent it, when that is not simply the code Postwise
    stores ("de-DE", "fr-CA, en;q=0.5", or a language Postwise does not speak): kept so the
    provider reads back what it sent and sees nothing to correct. Most people have no row."""

    __tablename__ = "scim_preferred_languages"

    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
