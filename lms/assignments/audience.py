"""Who a rule covers, as a query: shared by the sync, the preview and the rules overview."""

from __future__ import annotations

from sqlalchemy import Select, select

from lms.assignments.models import AssignmentRule
from lms.people.groups import GroupMember
from lms.people.models import Employee
from lms.people.org import reporting_line


def audience(rule: AssignmentRule) -> Select[tuple[int]]:
    """Ids of the active people a rule covers."""
    query = select(Employee.id).where(Employee.is_active)
    if rule.audience == "departments":
        return query.where(Employee.department.in_(rule.audience_values))
    if rule.audience == "locations":
        return query.where(Employee.location.in_(rule.audience_values))
    if rule.audience == "people":
        return query.where(Employee.hris_id.in_(rule.audience_values))
    if rule.audience == "groups":
        # A deleted group's id matches no membership: its former members are no longer covered.
        members = select(GroupMember.employee_id).where(GroupMember.group_id.in_(group_ids(rule)))
        return query.where(Employee.id.in_(members))
    if rule.audience == "manager":
        assert rule.manager_id is not None
        # Named per rule, so several lines can share one statement (the rules overview).
        line = reporting_line(rule.manager_id, name=f"reporting_line_{rule.id or 0}")
        return query.where(Employee.id.in_(line))
    return query


def group_ids(rule: AssignmentRule) -> list[int]:
    """The directory groups a "groups" rule names (stored as text, like other values)."""
    return [int(value) for value in rule.audience_values if value.isdigit()]
