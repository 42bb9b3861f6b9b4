"""Each active rule with its coverage and completion so far, for the rules page and `list`.

Three queries whatever the number of rules and people: the rules with their courses, the
managers they name, and one statement that counts every rule's people and enrollments
(and one more for the names of the directory groups rules name, if any do).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, case, func, literal, select, union_all
from sqlalchemy.orm import Session

from lms.assignments.audience import audience, group_ids
from lms.assignments.models import AssignmentRule
from lms.assignments.services import audience_words
from lms.courses.models import Course
from lms.learning.models import Enrollment
from lms.messages import Message
from lms.people.groups import group_names
from lms.people.models import Employee
from lms.percentages import share


@dataclass(frozen=True)
class RuleRow:
    """One rule as HR reads it: whom it covers now and how far they are."""

    rule: AssignmentRule
    course_slug: str
    audience: Message | str  # in words (lms.assignments.services.audience_words)
    covered: int  # active people the rule covers now
    assigned: int  # of those, with an enrollment that counts (not withdrawn, not exempted)
    completed: int  # of those, with the current cycle completed (here or elsewhere)
    exempted: int  # excused by HR

    @property
    def percent(self) -> int:
        """Completed of assigned, to the nearest whole number; 99.6% never shows as done."""
        return share(self.completed, self.assigned)


def rules_overview(session: Session) -> list[RuleRow]:
    """Every active rule, oldest first, with its counts (see the module's docstring)."""
    rows = session.execute(
        select(AssignmentRule, Course.slug)
        .join(Course, AssignmentRule.course_id == Course.id)
        .where(AssignmentRule.is_active)
        .order_by(AssignmentRule.id)
    ).all()
    if not rows:
        return []
    manager_ids = {rule.manager_id for rule, _ in rows if rule.manager_id}
    emails = (
        dict(
            session.execute(
                select(Employee.id, Employee.email).where(Employee.id.in_(manager_ids))
            ).all()
        )
        if manager_ids
        else {}
    )
    groups = group_names(session, (i for rule, _ in rows for i in group_ids(rule)))
    counts = {
        rule_id: (covered, assigned, completed, exempted)
        for rule_id, covered, assigned, completed, exempted in session.execute(
            _counts([rule for rule, _ in rows])
        )
    }
    return [
        RuleRow(
            rule,
            slug,
            audience_words(rule, emails.get(rule.manager_id or 0), groups),
            *(int(n or 0) for n in counts.get(rule.id, (0, 0, 0, 0))),
        )
        for rule, slug in rows
    ]


def _counts(rules: list[AssignmentRule]) -> Select[tuple[int, int, int, int, int]]:
    """One statement: per rule, people covered, assigned, completed and exempted."""
    last_cycle = (
        select(Enrollment.employee_id, Enrollment.course_id, func.max(Enrollment.cycle).label("n"))
        .group_by(Enrollment.employee_id, Enrollment.course_id)
        .subquery("last_cycle")
    )
    current = (
        select(Enrollment)
        .join(
            last_cycle,
            and_(
                Enrollment.employee_id == last_cycle.c.employee_id,
                Enrollment.course_id == last_cycle.c.course_id,
                Enrollment.cycle == last_cycle.c.n,
            ),
        )
        .cte("current_enrollments")
    )
    done = current.c.completed_at.is_not(None)
    exempt = and_(current.c.exempted_at.is_not(None), current.c.completed_at.is_(None))
    counts = and_(current.c.id.is_not(None), current.c.withdrawn_at.is_(None), ~exempt)

    def per_rule(rule: AssignmentRule) -> Select[tuple[int, int, int, int, int]]:
        people = audience(rule).subquery()
        return (
            select(
                literal(rule.id).label("rule_id"),
                func.count(people.c.id),
                func.sum(case((counts, 1), else_=0)),
                func.sum(case((and_(counts, done), 1), else_=0)),
                func.sum(case((exempt, 1), else_=0)),
            )
            .select_from(people)
            .outerjoin(
                current,
                and_(current.c.employee_id == people.c.id, current.c.course_id == rule.course_id),
            )
        )

    statements = [per_rule(rule) for rule in rules]
    return statements[0] if len(statements) == 1 else union_all(*statements)  # type: ignore[return-value]
