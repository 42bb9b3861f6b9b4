"""Who may do what: the signed-in viewer, role decorators and data scopes, all in one place.

Roles: every active person is an employee; a manager is anyone with an active direct report
(derived from the org chart on each request, never stored); an HR admin holds the granted
role. A role that may not use a page gets 403; an object outside the viewer's scope gets 404.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import abort, request
from flask_login import AnonymousUserMixin, current_user, login_required
from sqlalchemy import Select, bindparam, exists, literal, select, true
from sqlalchemy.orm import Session, aliased

from lms.people.models import Employee
from lms.people.org import EVERYONE, Scope, reporting_line

security_log = logging.getLogger("lms.security")
F = TypeVar("F", bound=Callable[..., object])


class Viewer:
    """The signed-in person as Flask-Login sees them, with the roles derived for this request."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, employee: Employee, *, is_manager: bool) -> None:
        self.employee = employee
        self.is_manager = is_manager

    @property
    def id(self) -> int:
        return self.employee.id

    @property
    def is_active(self) -> bool:
        return self.employee.is_active

    @property
    def is_hr_admin(self) -> bool:
        return self.employee.is_hr_admin

    def get_id(self) -> str:
        """The session holds id and session version, so a bumped version ends old cookies."""
        return f"{self.employee.id}:{self.employee.session_version}"


class AnonymousViewer(AnonymousUserMixin):
    is_manager = False
    is_hr_admin = False


# Built once: every request runs it, and an alias made per call costs more than the query.
_report = aliased(Employee, name="report")
_VIEWER = select(
    Employee,
    exists().where(_report.manager_id == Employee.id, _report.is_active).label("is_manager"),
).where(Employee.id == bindparam("employee_id"))


def load_viewer(session: Session, user_id: str) -> Viewer | None:
    """The viewer for a session's stored id, or None if the session is no longer valid."""
    employee_id, _, version = user_id.partition(":")
    if not (employee_id.isdigit() and version.isdigit()):
        return None
    row = session.execute(_VIEWER, {"employee_id": int(employee_id)}).first()
    if row is None:
        return None
    employee, is_manager = row
    if not employee.is_active or employee.session_version != int(version):
        return None
    return Viewer(employee, is_manager=bool(is_manager))


def _require(allowed: Callable[[Viewer], bool], role: str) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        @login_required
        @wraps(view)
        def wrapped(*args: object, **kwargs: object) -> object:
            if not allowed(current_user):
                security_log.warning(
                    "access denied: user %s lacks role %s for %s",
                    current_user.id,
                    role,
                    request.path,
                )
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


hr_required = _require(lambda viewer: viewer.is_hr_admin, "hr")
manager_or_hr_required = _require(lambda viewer: viewer.is_hr_admin or viewer.is_manager, "manager")


def visible_employees(viewer: Viewer) -> Select[tuple[Employee]]:
    """People this viewer may see: HR everyone, a manager their reporting line, anyone themself."""
    query = select(Employee)
    if viewer.is_hr_admin:
        return query.where(true())
    if viewer.is_manager:
        return query.where(Employee.id.in_(reporting_line(viewer.id)) | (Employee.id == viewer.id))
    return query.where(Employee.id == literal(viewer.id))


def listed_employees(viewer: Viewer) -> Select[tuple[Employee]]:
    """The people list: everyone for HR, the reporting line (not oneself) for a manager."""
    if viewer.is_hr_admin:
        return visible_employees(viewer)
    return select(Employee).where(Employee.id.in_(reporting_line(viewer.id)))


def get_visible_employee(session: Session, viewer: Viewer, employee_id: int) -> Employee:
    """One person in the viewer's scope; anyone else does not exist for them (404)."""
    employee = session.scalar(visible_employees(viewer).where(Employee.id == employee_id))
    if employee is None:
        security_log.warning(
            "access denied: user %s asked for employee %s outside their scope",
            viewer.id,
            employee_id,
        )
        abort(404)
    return employee


def report_scope(viewer: Viewer) -> Scope:
    """Whose records this viewer's reports cover: HR everyone, a manager their whole line.

    Anyone else has no reports (the route's decorator has already said so with a 403).
    """
    if viewer.is_hr_admin:
        return EVERYONE
    if viewer.is_manager:
        return Scope(viewer.id)
    abort(403)


def api_client_may_write(manager_id: int | None) -> bool:
    """Only an API client that sees everyone may change anything: a manager's line is a
    view of the organisation, not a part of it another system may edit."""
    return manager_id is None


def api_scope(manager_id: int | None) -> Scope:
    """Whose records an API client sees: everyone, or the line of the manager HR chose."""
    return EVERYONE if manager_id is None else Scope(manager_id)


def api_reads_audit(manager_id: int | None) -> bool:
    """Whether an API client may read the audit log: it is HR's, so a client limited to a
    manager's line may not, whatever its scopes."""
    return manager_id is None
