"""People pages: the list (HR: everyone, managers: their line), one person, the HRIS upload."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from lms.access import get_visible_employee, hr_required, listed_employees, manager_or_hr_required
from lms.dbsession import db_session
from lms.mail.links import link_builder
from lms.people import services
from lms.people.forms import ImportPeopleForm, PeopleFilterForm
from lms.people.hooks import after_people_import, person_sections
from lms.people.hris import HrisFileError
from lms.people.importer import import_people
from lms.people.models import Employee
from lms.people.password_mail import INVITE, LinkMail, queue_password_link

bp = Blueprint("people", __name__, url_prefix="/people")
PROBLEMS_SHOWN = 100


@bp.get("/")
@manager_or_hr_required
def index() -> ResponseReturnValue:
    """Search and filter the people this viewer may see."""
    session = db_session()
    scope = listed_employees(current_user)
    form = PeopleFilterForm(request.args)
    form.department.choices = [SelectChoice("", "All departments")] + [
        SelectChoice(name, name) for name in services.departments(session, scope)
    ]
    page = services.list_people(
        session,
        scope,
        search=form.q.data or "",
        department=form.department.data or "",
        page=form.page.data or 1,
    )
    return render_template("people/index.html", form=form, page=page)


@bp.get("/<int:employee_id>")
@login_required
def detail(employee_id: int) -> ResponseReturnValue:
    """One person, their manager and direct reports; only within the viewer's scope."""
    session = db_session()
    return render_detail(session, get_visible_employee(session, current_user, employee_id))


def render_detail(
    session: Session, employee: Employee, submitted: Mapping[str, Any] | None = None
) -> str:
    """The person page with the sections higher floors add (their courses, HR's forms)."""
    return render_template(
        "people/detail.html",
        employee=employee,
        manager=services.manager_of(session, employee),
        reports=services.direct_reports(session, employee),
        sections=person_sections(current_app, session, employee, submitted),
    )


@bp.post("/<int:employee_id>/invite")
@hr_required
def email_invite(employee_id: int) -> ResponseReturnValue:
    """Email someone who has no password yet a link to set one."""
    session = db_session()
    employee = get_visible_employee(session, current_user, employee_id)
    if not current_app.config["SMTP_HOST"]:
        flash("Email is not set up here: print a link with `lms people invite EMAIL`.", "error")
    elif not employee.is_active:
        flash(f"{employee.name} has left, so they cannot be invited.", "error")
    elif queue_password_link(
        session,
        employee,
        INVITE,
        LinkMail.from_config(current_app.config, link_builder(current_app)),
        actor_id=current_user.id,
    ):
        session.commit()
        flash(
            f"An invite is on its way to {employee.email}. The link in it works once, for "
            f"{current_app.config['INVITE_MAX_AGE_HOURS']} hours.",
            "success",
        )
    else:
        flash(
            f"An email with a link went to {employee.email} less than 15 minutes ago; "
            "give it a few minutes to arrive before sending another.",
            "info",
        )
    return redirect(url_for("people.detail", employee_id=employee.id))


@bp.route("/import", methods=["GET", "POST"])
@hr_required
def import_file() -> ResponseReturnValue:
    """Upload an HRIS export; every problem is listed and nothing changes until there are none."""
    form = ImportPeopleForm()
    problems: list[str] = []
    if form.validate_on_submit():
        session = db_session()
        try:
            summary = import_people(
                session,
                form.file.data.read(),
                deactivate_missing=form.deactivate_missing.data,
                max_bytes=current_app.config["IMPORT_MAX_MB"] * 1_048_576,
                actor_id=current_user.id,
            )
        except HrisFileError as error:
            session.rollback()
            problems = [str(problem) for problem in error.problems]
        else:
            follow_ups = [follow_up(session) for follow_up in after_people_import(current_app)]
            session.commit()
            flash(" ".join([f"Import finished: {summary}.", *follow_ups]), "success")
            return redirect(url_for("people.index"))
    return render_template(
        "people/import.html",
        form=form,
        problems=problems[:PROBLEMS_SHOWN],
        more_problems=max(0, len(problems) - PROBLEMS_SHOWN),
    )
