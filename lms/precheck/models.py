"""The company's pre-check settings, and the drafts employees chose to keep."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, intpk


class PrecheckSettings(Base):
    """One row: the company profile as the YAML file HR can also download and upload."""

    __tablename__ = "precheck_settings"

    id: Mapped[intpk]
    profile_yaml: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))


class PracticeDraft(Base):
    """A draft its author saved to their own practice history; nobody else sees it."""

    __tablename__ = "practice_drafts"

    id: Mapped[intpk]
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    rules: Mapped[str] = mapped_column(String(400))  # the rule ids it triggered, comma-separated
    created_at: Mapped[datetime]
