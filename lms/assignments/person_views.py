"""A person's courses on their page, and HR's changes to them: assign, withdraw, exempt,
record a completion done elsewhere. Each change is one service call, audited, then committed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext, ngettext
from flask_login import current_user
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from lms import confirm
from lms.access import get_visible_employee, hr_required
from lms.assignments import individual
from lms.assignments.individual import ChangeRefused, Day
from lms.assignments.person_forms import PERSON_FORMS
from lms.catalogues import long_date
from lms.dbsession import db_session
from lms.i18n import current_language, translate
from lms.learning.statuses import COMPLETED, COMPLETED_ELSEWHERE, EXEMPTED
from lms.messages import Message
from lms.people.hooks import PersonSection
from lms.people.models import Employee
from lms.people.views import render_detail

bp = Blueprint("person_courses", __name__, url_prefix="/people")
TEMPLATE = "assignments/_person_courses.html"
DONE = {
    "assign": lazy_gettext("%(name)s now has %(title)s, due %(when)s."),
    "withdraw": lazy_gettext("%(title)s was withdrawn from %(name)s."),
    "exempt": lazy_gettext("%(name)s is exempted from %(title)s."),
    "record": lazy_gettext("%(title)s is recorded as completed elsewhere by %(name)s on %(when)s."),
}


SETTLED = (EXEMPTED, COMPLETED, COMPLETED_ELSEWHERE)


def course_section(
    session: Session, employee: Employee, submitted: Mapping[str, Any]
) -> PersonSection:
    """The person's courses for anyone who may see the person; HR also gets the forms."""
    courses = individual.person_courses(session, employee.id)
    forms = None
    if current_user.is_hr_admin:
        choices = [SelectChoice("", _("Choose a course"))] + [
            SelectChoice(slug, title) for slug, title in individual.course_choices(session)
        ]
        open_courses = [SelectChoice("", _("Choose a course"))] + [
            SelectChoice(course.slug, course.title) for course in courses if course.is_open
        ]
        # Nothing to exempt from where the person is exempted already or has completed.
        settled = {course.slug for course in courses if course.status in SETTLED}
        exemptible = [choice for choice in choices if choice.value not in settled]
        menus = {"withdraw": open_courses, "exempt": exemptible}
        forms = {}
        for name, form_class in PERSON_FORMS.items():
            form = submitted.get(name) or form_class(prefix=name, formdata=None)
            form.course.choices = menus.get(name, choices)
            forms[name] = form
    return PersonSection(TEMPLATE, {"courses": courses, "forms": forms, "person": employee})


@bp.post("/<int:employee_id>/courses/assign")
@hr_required
def assign(employee_id: int) -> ResponseReturnValue:
    """Give the person a course directly, with a due date."""
    return _change(employee_id, "assign")


@bp.post("/<int:employee_id>/courses/withdraw")
@hr_required
def withdraw(employee_id: int) -> ResponseReturnValue:
    """Take back an open course; kept for history, no longer due."""
    return _change(employee_id, "withdraw")


@bp.post("/<int:employee_id>/courses/exempt")
@hr_required
def exempt(employee_id: int) -> ResponseReturnValue:
    """Excuse the person from a course, with a reason."""
    return _change(employee_id, "exempt")


@bp.post("/<int:employee_id>/courses/record-completion")
@hr_required
def record_completion(employee_id: int) -> ResponseReturnValue:
    """Record a completion done elsewhere, with its date and a reason."""
    return _change(employee_id, "record")


def _change(employee_id: int, change: str) -> ResponseReturnValue:
    """Make one change to a person's course; bad input is shown next to its field."""
    session = db_session()
    employee = get_visible_employee(session, current_user, employee_id)
    form = PERSON_FORMS[change](prefix=change)
    if form.validate_on_submit():
        slug = form.course.data
        if change == "withdraw" and not confirm.is_confirmed():
            asked = _ask_to_withdraw(session, employee, slug)
            if asked is not None:
                return asked
        try:
            when = _apply(session, change, employee.id, slug, form.data)
        except ChangeRefused as refused:
            for field, message in refused.messages.items():
                target = form._fields.get(field, form.course)
                target.errors = [*target.errors, said(message)]
        else:
            title = dict(individual.course_choices(session)).get(slug, slug)
            session.commit()
            done = str(DONE[change]) % {"name": employee.name, "title": title, "when": when}
            flash(done, "success")
            return redirect(url_for("people.detail", employee_id=employee.id))
    return render_detail(session, employee, {change: form})


def _ask_to_withdraw(session: Session, employee: Employee, slug: str) -> str | None:
    """The confirmation page for withdrawing an open course (None if it is not open: the
    service then says why it cannot be withdrawn)."""
    course = next(
        (c for c in individual.person_courses(session, employee.id) if c.slug == slug), None
    )
    if course is None or not course.is_open:
        return None
    first = employee.first_name
    if course.due_at:
        no_longer_due = _(
            "%(title)s will no longer be due for %(first)s (it is due %(day)s), and no "
            "reminders are sent for it.",
            title=course.title,
            first=first,
            day=long_date(course.due_at, current_language()),
        )
    else:
        no_longer_due = _(
            "%(title)s will no longer be due for %(first)s, and no reminders are sent for it.",
            title=course.title,
            first=first,
        )
    return confirm.ask(
        _("Withdraw “%(title)s” from %(name)s?", title=course.title, name=employee.name),
        [
            no_longer_due,
            ngettext(
                "It stays in %(first)s's history with their progress and %(num)d quiz attempt; "
                "assigning it again picks up where they left off.",
                "It stays in %(first)s's history with their progress and %(num)d quiz "
                "attempts; assigning it again picks up where they left off.",
                course.attempts,
                first=first,
            ),
            _(
                "Assignment rules will not give it back to %(first)s: only HR can, by "
                "assigning it.",
                first=first,
            ),
        ],
        _("Withdraw the course"),
        url_for("people.detail", employee_id=employee.id),
        {"withdraw-course": slug},
    )


def _apply(session: Session, change: str, employee_id: int, slug: str, data: dict) -> str:
    """Call the service for the change; returns the date to mention in the message."""
    actor = current_user.id
    if change == "assign":
        individual.assign_course(session, employee_id, slug, data["due_on"], actor_id=actor)
        return long_date(data["due_on"], current_language())
    if change == "withdraw":
        individual.withdraw_course(session, employee_id, slug, actor_id=actor)
        return ""
    if change == "exempt":
        individual.exempt(session, employee_id, slug, data["reason"], actor_id=actor)
        return ""
    if change == "record":
        individual.record_completion(
            session, employee_id, slug, data["completed_on"], data["reason"], actor_id=actor
        )
        return long_date(data["completed_on"], current_language())
    abort(404)


def said(message: Message | str) -> str:
    """A service's message in the person's language, its dates written their way."""
    if isinstance(message, Message):
        language = current_language()
        values = {
            key: long_date(value.moment, language) if isinstance(value, Day) else value
            for key, value in message.values.items()
        }
        message = Message(message.text, values)
    return translate(message)
