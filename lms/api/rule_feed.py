"""The assignment rules the API hands out: active rules in id order, a page at a time.

Rules are company-wide settings, so every client that may read them sees all of them; the
people a rule names (its manager, its named people) are shown only when they are in the
client's scope, like everywhere else in the API.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from lms.api.people_feed import MAX_ID
from lms.assignments.audience import group_ids
from lms.assignments.models import AssignmentRule
from lms.courses.models import Course
from lms.people.groups import group_names
from lms.people.models import Employee
from lms.people.org import Scope


@dataclass(frozen=True)
class RuleRow:
    """One rule as the API shows it: the lists not of its audience are empty."""

    id: int
    course: str
    audience: str
    departments: list[str]
    locations: list[str]
    groups: list[str]
    manager: str | None
    people: list[str]
    due_days: int
    recertify_months: int | None
    created_at: datetime
    updated_at: datetime


def _rules() -> Select[tuple[AssignmentRule, str]]:
    return (
        select(AssignmentRule, Course.slug)
        .join(Course, Course.id == AssignmentRule.course_id)
        .where(AssignmentRule.is_active)
    )


def rules_page(
    session: Session, scope: Scope, after_id: int, limit: int
) -> tuple[list[RuleRow], bool]:
    """Up to `limit` active rules with ids above `after_id`, and whether more follow; at most
    four queries (rules, managers, named people, group names) whatever the data."""
    query = _rules().where(AssignmentRule.id > after_id).order_by(AssignmentRule.id)
    found = session.execute(query.limit(limit + 1)).all()
    rows = _rows(session, scope, found[:limit])
    return rows, len(found) > limit


def one_rule(session: Session, scope: Scope, rule_id: int) -> RuleRow | None:
    """One active rule, or None when there is none with that id (removed ones included)."""
    if rule_id > MAX_ID:  # any integer may come in the URL
        return None
    found = session.execute(_rules().where(AssignmentRule.id == rule_id)).all()
    rows = _rows(session, scope, found)
    return rows[0] if rows else None


def _rows(
    session: Session, scope: Scope, found: Sequence[tuple[AssignmentRule, str]]
) -> list[RuleRow]:
    """The rules with the names of what they point at, each looked up once for all."""
    rules = [rule for rule, _ in found]
    managers = _manager_emails(session, scope, {r.manager_id for r in rules if r.manager_id})
    named = {value for rule in rules if rule.audience == "people" for value in rule.audience_values}
    people = _people_emails(session, scope, named)
    groups = group_names(session, (i for rule in rules for i in group_ids(rule)))
    return [
        RuleRow(
            id=rule.id,
            course=slug,
            audience=rule.audience,
            departments=_values(rule, "departments"),
            locations=_values(rule, "locations"),
            groups=[groups[i] for i in group_ids(rule) if i in groups],
            manager=managers.get(rule.manager_id) if rule.manager_id else None,
            people=sorted(people[v] for v in rule.audience_values if v in people)
            if rule.audience == "people"
            else [],
            due_days=rule.due_days,
            recertify_months=rule.recertify_months,
            created_at=rule.created_at,
            updated_at=rule.updated_at,
        )
        for rule, slug in found
    ]


def _values(rule: AssignmentRule, audience: str) -> list[str]:
    return list(rule.audience_values) if rule.audience == audience else []


def _manager_emails(session: Session, scope: Scope, ids: set[int]) -> dict[int, str]:
    """The managers' addresses, for those in the scope (a client's own manager too)."""
    if not ids:
        return {}
    visible = scope.covers(Employee.id) | (Employee.id == scope.manager_id)
    query = select(Employee.id, Employee.email).where(Employee.id.in_(ids), visible)
    return dict(session.execute(query).all())


def _people_emails(session: Session, scope: Scope, hris_ids: set[str]) -> dict[str, str]:
    """Named people's addresses by HRIS id, for those in the scope."""
    if not hris_ids:
        return {}
    query = select(Employee.hris_id, Employee.email).where(
        Employee.hris_id.in_(hris_ids), scope.covers(Employee.id)
    )
    return dict(session.execute(query).all())
