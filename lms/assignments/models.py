"""A rule assigns one course to an audience, with a due date and, optionally, recertification."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, created_at, intpk, updated_at

AUDIENCES = ("everyone", "departments", "locations", "manager", "people", "groups")


class AssignmentRule(Base):
    __tablename__ = "assignment_rules"

    id: Mapped[intpk]
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    audience: Mapped[str] = mapped_column(String(20))
    # Department or location names, employee ids (HRIS) or directory group ids, depending on
    # the audience.
    audience_values: Mapped[list[str]] = mapped_column(JSON, default=list)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    due_days: Mapped[int]
    recertify_months: Mapped[int | None]
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[created_at]
    updated_at: Mapped[updated_at]
