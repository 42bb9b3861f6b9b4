"""Assignment rules: checked, saved, changed and removed (all audited), and previewed.

A rule is checked the same way whether it comes from the web form or the command line
(`RuleSpec` in, `RuleRejected` with reasons per field out). The sync that turns rules into
enrollments lives in `lms.assignments.sync`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.assignments.audience import audience, group_ids
from lms.assignments.models import AUDIENCES, AssignmentRule
from lms.assignments.sync import SyncSummary, sync_after_import, sync_assignments
from lms.audit import services as audit
from lms.clock import add_months
from lms.courses.models import PUBLISHED, Course, CourseVersion
from lms.courses.services import current_versions
from lms.learning.models import Enrollment
from lms.messages import N_, Message
from lms.people.groups import all_groups, group_names
from lms.people.models import Employee

log = logging.getLogger(__name__)

__all__ = [
    "RuleRejected",
    "RuleSpec",
    "SyncSummary",
    "add_months",
    "audience",
    "create_rule",
    "sync_after_import",
    "sync_assignments",
]

SAMPLE_SIZE = 10


class RuleRejected(ValueError):
    """The rule cannot be saved; `messages` maps form fields to what is wrong (shown in the
    person's language), `reasons` to the same in English (the API and the CLI)."""

    def __init__(self, messages: Mapping[str, Message]) -> None:
        self.messages = dict(messages)
        self.reasons = {key: str(message) for key, message in self.messages.items()}
        super().__init__("; ".join(self.reasons.values()))


class RuleNotFound(LookupError):
    """No active rule has this id (answered as 404)."""


@dataclass(frozen=True)
class RuleSpec:
    """A rule as HR describes it: the course by slug, people and managers by email."""

    course_slug: str
    audience: str
    # Department, location or directory group names; for "people", HRIS ids (people_emails is
    # the friendlier way).
    audience_values: tuple[str, ...] = ()
    manager_email: str | None = None
    due_days: int = 30
    recertify_months: int | None = None
    people_emails: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Checked:
    course: Course
    values: list[str]
    manager: Employee | None


@dataclass(frozen=True)
class RulePreview:
    """Who a rule would cover now: how many, and the first few by name."""

    covered: int
    sample: list[Employee] = field(default_factory=list)


def _check(session: Session, spec: RuleSpec) -> _Checked:
    """Everything wrong with a spec at once, as reasons per field; nothing is written."""
    reasons: dict[str, Message] = {}
    course = session.scalar(select(Course).where(Course.slug == spec.course_slug))
    if course is None:
        reasons["course"] = N_("There is no course %(slug)s.", slug=repr(spec.course_slug))
    if spec.audience not in AUDIENCES:
        reasons["audience"] = N_("Choose one of: %(choices)s.", choices=", ".join(AUDIENCES))
    values = [value.strip() for value in spec.audience_values if value.strip()]
    if spec.audience in ("departments", "locations"):
        reason = _unknown_names(session, spec.audience, values)
        if reason:
            reasons["audience_values"] = reason
    if spec.audience == "groups":
        values, reason = _group_ids(session, values)
        if reason:
            reasons["audience_values"] = reason
    if spec.audience == "people":
        values, reason = _people_ids(session, values, spec.people_emails)
        if reason:
            reasons["people"] = reason
    manager = None
    if spec.audience == "manager":
        email = (spec.manager_email or "").strip().lower()
        manager = session.scalar(select(Employee).where(Employee.email == email)) if email else None
        if not email:
            reasons["manager"] = N_("Enter the manager's email address.")
        elif manager is None:
            reasons["manager"] = N_(
                "No one in Postwise has the email address %(emails)s.", emails=repr(email)
            )
    if not 1 <= spec.due_days <= 3650:
        reasons["due_days"] = N_("Give a due period from 1 to 3650 days.")
    if spec.recertify_months is not None and not 1 <= spec.recertify_months <= 120:
        reasons["recertify_months"] = N_("Recertify every 1 to 120 months, or leave it empty.")
    if reasons:
        raise RuleRejected(reasons)
    assert course is not None
    return _Checked(course, values if spec.audience != "everyone" else [], manager)


def _unknown_names(session: Session, audience: str, names: list[str]) -> Message | None:
    """Why department or location names cannot be used (none given, or unknown), if so."""
    departments = audience == "departments"
    if not names:
        return (
            N_("Choose at least one department.")
            if departments
            else N_("Choose at least one location.")
        )
    known = set(audience_names(session)[audience])
    unknown = [name for name in names if name not in known]
    if not unknown:
        return None
    listed = ", ".join(sorted(known))
    if departments:
        if not listed:
            return N_(
                "No one works in the department %(names)s. There are no departments yet.",
                names=_quoted(unknown),
            )
        return N_(
            "No one works in the department %(names)s. The departments are: %(listed)s.",
            names=_quoted(unknown),
            listed=listed,
        )
    if not listed:
        return N_(
            "No one works in the location %(names)s. There are no locations yet.",
            names=_quoted(unknown),
        )
    return N_(
        "No one works in the location %(names)s. The locations are: %(listed)s.",
        names=_quoted(unknown),
        listed=listed,
    )


def _group_ids(session: Session, names: list[str]) -> tuple[list[str], Message | None]:
    """The directory groups' ids (the rule stores those, so a renamed group stays chosen)."""
    groups = {group.display_name: group.id for group in all_groups(session)}
    if not groups:
        return [], N_(
            "There are no directory groups yet: your identity provider sends them through "
            "SCIM once you assign groups to Postwise there."
        )
    if not names:
        return [], N_("Choose at least one directory group.")
    unknown = [name for name in names if name not in groups]
    if unknown:
        listed = ", ".join(sorted(groups))
        return [], N_(
            "There is no directory group %(names)s. The groups are: %(listed)s.",
            names=_quoted(unknown),
            listed=listed,
        )
    return [str(groups[name]) for name in dict.fromkeys(names)], None


def _people_ids(
    session: Session, hris_ids: list[str], emails: Iterable[str]
) -> tuple[list[str], Message | None]:
    """The people's HRIS ids (the rule stores those) from their emails, and what is wrong."""
    wanted = list(dict.fromkeys(e.strip().lower() for e in emails if e.strip()))
    if not wanted:
        none_given = N_("Enter the email address of at least one person.")
        return hris_ids, None if hris_ids else none_given
    found = dict(
        session.execute(
            select(Employee.email, Employee.hris_id).where(Employee.email.in_(wanted))
        ).all()
    )
    unknown = [email for email in wanted if email not in found]
    if unknown:
        return [], N_(
            "No one in Postwise has the email address %(emails)s.", emails=_quoted(unknown)
        )
    return [*hris_ids, *(found[email] for email in wanted)], None


def _quoted(names: list[str]) -> str:
    """Names as typed, quoted and listed: no word in it, so it reads in any language."""
    return ", ".join(repr(name) for name in names)


def audience_names(session: Session) -> dict[str, list[str]]:
    """Department and location names of active people, for the form and for checking."""
    rows = session.execute(
        select(Employee.department, Employee.location).where(Employee.is_active).distinct()
    ).all()
    return {
        "departments": sorted({d for d, _ in rows if d}),
        "locations": sorted({loc for _, loc in rows if loc}),
    }


def create_rule(
    session: Session, spec: RuleSpec, *, actor_id: int | None, via: str = ""
) -> AssignmentRule:
    """Check and save a rule (audited); RuleRejected says what is wrong, field by field.

    `via` names who acted when no person did (an API client): the audit log says so.
    """
    checked = _check(session, spec)
    rule = AssignmentRule(course_id=checked.course.id, audience=spec.audience)
    _apply(rule, spec, checked)
    session.add(rule)
    session.flush()
    description = describe_rule(
        rule,
        course_title(session, checked.course),
        _email(checked.manager),
        group_names(session, group_ids(rule)),
    )
    audit.record(
        session, "rule.created", _through(description, via), actor_id=actor_id, after=description
    )
    log.info("rule %s created: %s", rule.id, description)
    return rule


def update_rule(
    session: Session, rule_id: int, spec: RuleSpec, *, actor_id: int | None
) -> AssignmentRule:
    """Change an active rule; audited with the rule in words before and after."""
    rule = active_rule(session, rule_id)
    before = rule_in_words(session, rule)
    checked = _check(session, spec)
    _apply(rule, spec, checked)
    session.flush()
    after = rule_in_words(session, rule)
    if after != before:
        audit.record(
            session,
            "rule.changed",
            f"rule {rule.id}",
            actor_id=actor_id,
            before=before,
            after=after,
        )
        log.info("rule %s changed: %s", rule.id, after)
    return rule


def remove_rule(
    session: Session, rule_id: int, *, actor_id: int | None, via: str = ""
) -> AssignmentRule:
    """Stop a rule (kept for history, no longer active); audited, `via` as in create_rule."""
    rule = active_rule(session, rule_id)
    before = rule_in_words(session, rule)
    rule.is_active = False
    session.flush()
    audit.record(
        session,
        "rule.removed",
        _through(f"rule {rule.id}", via),
        actor_id=actor_id,
        before=before,
        after=None,
    )
    log.info("rule %s removed", rule.id)
    return rule


def _through(target: str, via: str) -> str:
    """An audit target, naming the client that acted when it was not a person."""
    return f"{target}, through {via}" if via else target


@dataclass(frozen=True)
class RemovalPreview:
    """What removing a rule would do: its name, the open enrollments it would withdraw,
    and the completions that stay on record."""

    name: str  # in English (see rule_name); `who` and `course` are its parts
    withdrawn: int
    completed: int
    who: Message | str = ""
    course: str = ""


def rule_name(session: Session, rule: AssignmentRule) -> str:
    """A rule as people know it: "Everyone: Social media essentials"."""
    who, title = _name_parts(session, rule)
    words = str(who)
    return f"{words[:1].upper()}{words[1:]}: {title}"


def _name_parts(session: Session, rule: AssignmentRule) -> tuple[Message | str, str]:
    """Who a rule covers (a Message) and its course's title."""
    title = session.scalar(
        select(CourseVersion.title)
        .where(CourseVersion.course_id == rule.course_id, CourseVersion.status == PUBLISHED)
        .order_by(CourseVersion.number.desc())
        .limit(1)
    )
    if title is None:
        course = session.get(Course, rule.course_id)
        title = course.slug if course else f"course {rule.course_id}"
    manager = session.get(Employee, rule.manager_id) if rule.manager_id else None
    return audience_words(rule, _email(manager), group_names(session, group_ids(rule))), title


def removal_preview(session: Session, rule_id: int) -> RemovalPreview:
    """What `remove_rule` and the sync after it would change, counted the sync's way:
    open enrollments of the course that the rule gave and no other active rule covers."""
    rule = active_rule(session, rule_id)
    others = session.scalars(
        select(AssignmentRule).where(
            AssignmentRule.is_active,
            AssignmentRule.course_id == rule.course_id,
            AssignmentRule.id != rule.id,
        )
    ).all()
    covered = audience(rule)
    newest = (
        select(Enrollment.employee_id, func.max(Enrollment.cycle).label("cycle"))
        .where(Enrollment.course_id == rule.course_id)
        .group_by(Enrollment.employee_id)
        .subquery()
    )
    still_wanted = [Enrollment.employee_id.not_in(audience(other)) for other in others]
    withdrawn = session.scalar(
        select(func.count())
        .select_from(Enrollment)
        .join(
            newest,
            (Enrollment.employee_id == newest.c.employee_id) & (Enrollment.cycle == newest.c.cycle),
        )
        .where(
            Enrollment.course_id == rule.course_id,
            Enrollment.employee_id.in_(covered),
            Enrollment.completed_at.is_(None),
            Enrollment.withdrawn_at.is_(None),
            Enrollment.exempted_at.is_(None),
            Enrollment.source == "assigned",
            *still_wanted,
        )
    )
    completed = session.scalar(
        select(func.count(func.distinct(Enrollment.employee_id))).where(
            Enrollment.course_id == rule.course_id,
            Enrollment.employee_id.in_(covered),
            Enrollment.completed_at.is_not(None),
        )
    )
    who, title = _name_parts(session, rule)
    name = f"{str(who)[:1].upper()}{str(who)[1:]}: {title}"
    return RemovalPreview(name, withdrawn or 0, completed or 0, who=who, course=title)


def preview_rule(session: Session, spec: RuleSpec) -> RulePreview:
    """How many people a rule would cover now, and a sample of them; nothing is saved."""
    checked = _check(session, spec)
    rule = AssignmentRule(course_id=checked.course.id, audience=spec.audience)  # never added
    _apply(rule, spec, checked)
    people = audience(rule)
    covered = session.scalar(select(func.count()).select_from(people.subquery())) or 0
    sample = session.scalars(
        select(Employee)
        .where(Employee.id.in_(people))
        .order_by(Employee.last_name, Employee.first_name, Employee.id)
        .limit(SAMPLE_SIZE)
    )
    return RulePreview(covered, list(sample))


def active_rule(session: Session, rule_id: int) -> AssignmentRule:
    """An active rule by id; RuleNotFound for an unknown or removed one."""
    rule = session.get(AssignmentRule, rule_id)
    if rule is None or not rule.is_active:
        raise RuleNotFound(rule_id)
    return rule


def spec_of(session: Session, rule: AssignmentRule) -> RuleSpec:
    """A saved rule as a spec again (people and manager by email), to fill the edit form."""
    course = session.get(Course, rule.course_id)
    assert course is not None
    emails: tuple[str, ...] = ()
    if rule.audience == "people":
        emails = tuple(
            session.scalars(
                select(Employee.email)
                .where(Employee.hris_id.in_(rule.audience_values))
                .order_by(Employee.email)
            )
        )
    values = tuple(rule.audience_values) if rule.audience != "people" else ()
    if rule.audience == "groups":
        # A deleted group cannot be chosen again: the form shows the groups there are.
        names = group_names(session, group_ids(rule))
        values = tuple(names[i] for i in group_ids(rule) if i in names)
    manager = session.get(Employee, rule.manager_id) if rule.manager_id else None
    return RuleSpec(
        course_slug=course.slug,
        audience=rule.audience,
        audience_values=values,
        manager_email=_email(manager),
        due_days=rule.due_days,
        recertify_months=rule.recertify_months,
        people_emails=emails,
    )


def _apply(rule: AssignmentRule, spec: RuleSpec, checked: _Checked) -> None:
    rule.course_id = checked.course.id
    rule.audience = spec.audience
    rule.audience_values = list(checked.values)
    rule.manager_id = checked.manager.id if checked.manager else None
    rule.due_days = spec.due_days
    rule.recertify_months = spec.recertify_months


def _email(employee: Employee | None) -> str | None:
    return employee.email if employee is not None else None


def rule_in_words(session: Session, rule: AssignmentRule) -> str:
    """A saved rule in words, its course named by title, for messages and the audit log."""
    course = session.get(Course, rule.course_id)
    manager = session.get(Employee, rule.manager_id) if rule.manager_id else None
    assert course is not None
    return describe_rule(
        rule,
        course_title(session, course),
        _email(manager),
        group_names(session, group_ids(rule)),
    )


@dataclass(frozen=True)
class RuleWords:
    """A saved rule's parts, for a page to say in the person's language."""

    course: str  # its title
    audience: Message | str  # see audience_words
    due_days: int
    recertify_months: int | None


def rule_words(session: Session, rule: AssignmentRule) -> RuleWords:
    """rule_in_words in parts: the course by title, the audience as a Message."""
    course = session.get(Course, rule.course_id)
    manager = session.get(Employee, rule.manager_id) if rule.manager_id else None
    assert course is not None
    who = audience_words(rule, _email(manager), group_names(session, group_ids(rule)))
    return RuleWords(course_title(session, course), who, rule.due_days, rule.recertify_months)


def course_title(session: Session, course: Course) -> str:
    """The title people know a course by: its current version's (its slug before any)."""
    version = current_versions(session, with_content=False).get(course.id)
    return version.title if version is not None else course.slug


def audience_in_words(
    rule: AssignmentRule,
    manager_email: str | None = None,
    groups: Mapping[int, str] | None = None,
) -> str:
    """Who a rule covers, as a sentence fragment: "departments Sales, Support"; `groups`
    names the directory groups that still exist (see group_names)."""
    return str(audience_words(rule, manager_email, groups))


def audience_words(
    rule: AssignmentRule,
    manager_email: str | None = None,
    groups: Mapping[int, str] | None = None,
) -> Message | str:
    """audience_in_words as a Message, for a page to show in the person's language."""
    manager = manager_email or f"employee #{rule.manager_id}"
    if rule.audience == "groups":
        return _groups_in_words(group_ids(rule), groups or {})
    values = ", ".join(rule.audience_values)
    return {
        "everyone": N_("everyone"),
        "departments": N_("departments %(names)s", names=values),
        "locations": N_("locations %(names)s", names=values),
        "manager": N_("everyone in the reporting line of %(manager)s", manager=manager),
        "people": N_("the people with employee ids %(ids)s", ids=values),
    }[rule.audience]


def _groups_in_words(ids: list[int], names: Mapping[int, str]) -> Message | str:
    """ "people in the directory groups Marketing, Sales", saying so when one was deleted."""
    named = ", ".join(names[i] for i in ids if i in names)
    several = len([i for i in ids if i in names]) > 1
    deleted = len([i for i in ids if i not in names])
    if not named:
        if not deleted:
            return ""
        if deleted == 1:
            return N_("people in a directory group since deleted")
        return N_("people in %(count)s directory groups since deleted", count=deleted)
    if not deleted:
        if several:
            return N_("people in the directory groups %(names)s", names=named)
        return N_("people in the directory group %(names)s", names=named)
    if deleted == 1:
        if several:
            return N_(
                "people in the directory groups %(names)s and in a directory group since deleted",
                names=named,
            )
        return N_(
            "people in the directory group %(names)s and in a directory group since deleted",
            names=named,
        )
    if several:
        return N_(
            "people in the directory groups %(names)s and in %(count)s directory groups "
            "since deleted",
            names=named,
            count=deleted,
        )
    return N_(
        "people in the directory group %(names)s and in %(count)s directory groups since deleted",
        names=named,
        count=deleted,
    )


def describe_rule(
    rule: AssignmentRule,
    course_title: str,
    manager_email: str | None = None,
    groups: Mapping[int, str] | None = None,
) -> str:
    """A rule in words, for the audit log, the rules page and the command line."""
    every = f", recertify every {rule.recertify_months} months" if rule.recertify_months else ""
    return (
        f"{course_title} for {audience_in_words(rule, manager_email, groups)}, "
        f"due in {rule.due_days} days{every}"
    )
