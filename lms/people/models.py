"""The employees table: one row per person the HRIS knows, never hard-deleted."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, ForeignKey, LargeBinary, String, func, true
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, created_at, email_address, intpk, short_text, updated_at


class Employee(Base):
    __tablename__ = "employees"

    id: Mapped[intpk]
    hris_id: Mapped[str] = mapped_column(String(64), unique=True)
    # Stored lower-cased, so uniqueness and look-ups are case-insensitive on every database.
    email: Mapped[email_address] = mapped_column(unique=True)
    first_name: Mapped[short_text]
    last_name: Mapped[short_text]
    department: Mapped[str | None] = mapped_column(String(200), index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(String(200))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"), index=True)
    hire_date: Mapped[date | None]
    is_active: Mapped[bool] = mapped_column(default=True)
    is_hr_admin: Mapped[bool] = mapped_column(default=False)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Bumped on sign-out, password or role change: older session cookies stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    # A manager's weekly email of overdue people in their line; theirs to switch off.
    # (Reminders about a person's own courses cannot be switched off.)
    weekly_digest: Mapped[bool] = mapped_column(default=True, server_default=true())
    # The interface's language (lms.i18n.LANGUAGES); None: the browser's, else the company's.
    language: Mapped[str | None] = mapped_column(String(8))
    # The language the HRIS file or SCIM names for them: used when they chose none themselves,
    # so a directory sync never overwrites their own choice.
    directory_language: Mapped[str | None] = mapped_column(String(8))
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    failed_sign_in_since: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def reading_language(self) -> str | None:
        """What to write to them in where no browser asks (email): their own choice, else the
        directory's; None: the company's."""
        return self.language or self.directory_language

    def __repr__(self) -> str:
        return f"<Employee {self.hris_id} {self.email}>"


def reading_language(who: Any) -> ColumnElement[str | None]:
    """Employee.reading_language in SQL, for `who` (Employee or an alias of it)."""
    return func.coalesce(who.language, who.directory_language)


class PendingImport(Base):
    """An uploaded HRIS file between its preview and HR's confirmation, kept in the database
    so any app process can finish it; removed once applied, and when it is old."""

    __tablename__ = "pending_imports"

    id: Mapped[intpk]
    key: Mapped[str] = mapped_column(String(64), unique=True)  # random: names it in the form
    actor_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    deactivate_missing: Mapped[bool]
    plan_digest: Mapped[str] = mapped_column(String(64))  # of the plan last shown
    created_at: Mapped[created_at]
