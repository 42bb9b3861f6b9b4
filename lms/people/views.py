"""People pages: the list (HR: everyone, managers: their line), one person, the HRIS upload."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from lms.access import get_visible_employee, hr_required, listed_employees, manager_or_hr_required
from lms.dbsession import db_session
from lms.i18n import translate
from lms.mail.links import link_builder
from lms.people import services
from lms.people.forms import ConfirmImportForm, ImportPeopleForm, PeopleFilterForm
from lms.people.hooks import after_people_import, person_sections
from lms.people.hris import HrisFileError
from lms.people.import_preview import KINDS, PlanPreview, share_warning
from lms.people.importer import ConfirmationNeeded, PlanChanged, import_people, preview_import
from lms.people.models import Employee
from lms.people.password_mail import INVITE, LinkMail, queue_password_link
from lms.people.pending_imports import MAX_AGE, discard, stage_upload, staged_upload

bp = Blueprint("people", __name__, url_prefix="/people")
PROBLEMS_SHOWN = 100


@bp.get("/")
@manager_or_hr_required
def index() -> ResponseReturnValue:
    """Search and filter the people this viewer may see."""
    session = db_session()
    scope = listed_employees(current_user)
    form = PeopleFilterForm(request.args)
    form.department.choices = [SelectChoice("", _("All departments"))] + [
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
        flash(_("Email is not set up here: use “Create an invite link” instead."), "error")
    elif not employee.is_active:
        flash(_("%(name)s has left, so they cannot be invited.", name=employee.name), "error")
    elif queue_password_link(
        session,
        employee,
        INVITE,
        LinkMail.from_config(current_app.config, link_builder(current_app)),
        actor_id=current_user.id,
    ):
        session.commit()
        flash(
            ngettext(
                "An invite is on its way to %(email)s. The link in it works once, for %(num)d "
                "hour.",
                "An invite is on its way to %(email)s. The link in it works once, for %(num)d "
                "hours.",
                current_app.config["INVITE_MAX_AGE_HOURS"],
                email=employee.email,
            ),
            "success",
        )
    else:
        flash(
            _(
                "An email with a link went to %(email)s less than 15 minutes ago; give it a few "
                "minutes to arrive before sending another.",
                email=employee.email,
            ),
            "info",
        )
    return redirect(url_for("people.detail", employee_id=employee.id))


@bp.route("/import", methods=["GET", "POST"])
@hr_required
def import_file() -> ResponseReturnValue:
    """Upload an HRIS export: every problem is listed, or a preview of what it would do.

    Nothing changes until HR confirms the preview (confirm_import).
    """
    form = ImportPeopleForm()
    problems: list[str] = []
    if form.validate_on_submit():
        session = db_session()
        data = form.file.data.read()
        try:
            preview = preview_import(
                session,
                data,
                deactivate_missing=form.deactivate_missing.data,
                max_bytes=_max_bytes(),
                actor_id=current_user.id,
            )
        except HrisFileError as error:
            session.rollback()
            problems = _problem_words(error)
        else:
            key = stage_upload(
                session,
                data,
                deactivate_missing=form.deactivate_missing.data,
                plan_digest=preview.digest,
                actor_id=current_user.id,
            )
            session.commit()
            return _preview_page(preview, key, deactivate_missing=form.deactivate_missing.data)
    return _import_page(form, problems)


@bp.post("/import/confirm")
@hr_required
def confirm_import() -> ResponseReturnValue:
    """Apply the previewed import, exactly as previewed; a changed plan is shown again."""
    form = ConfirmImportForm()
    session = db_session()
    pending = (
        staged_upload(session, form.key.data, actor_id=current_user.id)
        if form.validate_on_submit()
        else None
    )
    if pending is None:
        flash(
            ngettext(
                "That preview is no longer available: it was imported already, or is more than "
                "%(num)d hour old. Upload the file again to see what it would do.",
                "That preview is no longer available: it was imported already, or is more than "
                "%(num)d hours old. Upload the file again to see what it would do.",
                MAX_AGE.seconds // 3600,
            ),
            "error",
        )
        return redirect(url_for(".import_file"))
    try:
        summary = import_people(
            session,
            pending.content,
            deactivate_missing=pending.deactivate_missing,
            max_bytes=_max_bytes(),
            actor_id=current_user.id,
            expected_plan=pending.plan_digest,
            confirmed_deactivations=form.deactivations.data,
        )
    except PlanChanged as changed:
        pending.plan_digest = changed.preview.digest
        session.commit()
        return _preview_page(
            changed.preview, pending.key, deactivate_missing=pending.deactivate_missing, stale=True
        )
    except ConfirmationNeeded as needed:
        session.rollback()
        form.deactivations.errors = [
            _(
                "Type %(count)d, the number of people this import deactivates, to confirm it.",
                count=needed.preview.deactivated.count,
            )
        ]
        return _preview_page(
            needed.preview, form.key.data, deactivate_missing=pending.deactivate_missing, form=form
        )
    except HrisFileError as error:  # Postwise changed since the preview, and now it cannot run
        session.rollback()
        discard(session, pending)
        session.commit()
        return _import_page(ImportPeopleForm(formdata=None), _problem_words(error))
    discard(session, pending)
    follow_ups = [follow_up(session) for follow_up in after_people_import(current_app)]
    session.commit()
    finished = _(
        "Import finished: created %(created)d, updated %(updated)d, deactivated "
        "%(deactivated)d, unchanged %(unchanged)d.",
        created=summary.created,
        updated=summary.updated,
        deactivated=summary.deactivated,
        unchanged=summary.unchanged,
    )
    flash(" ".join([finished, *(translate(words) for words in follow_ups)]), "success")
    return redirect(url_for(".index"))


def _problem_words(error: HrisFileError) -> list[str]:
    """Each problem of the file in this request's language (a Message), or as it reads."""
    return [translate(problem.words()) for problem in error.problems]


def _max_bytes() -> int:
    return int(current_app.config["IMPORT_MAX_MB"]) * 1_048_576


def _import_page(form: ImportPeopleForm, problems: list[str]) -> str:
    return render_template(
        "people/import.html",
        form=form,
        problems=problems[:PROBLEMS_SHOWN],
        more_problems=max(0, len(problems) - PROBLEMS_SHOWN),
    )


def _preview_page(
    preview: PlanPreview,
    key: str,
    *,
    deactivate_missing: bool,
    stale: bool = False,
    form: ConfirmImportForm | None = None,
) -> str:
    form = form or ConfirmImportForm(formdata=None, key=key)
    return render_template(
        "people/import_preview.html",
        preview=preview,
        form=form,
        deactivate_missing=deactivate_missing,
        stale=stale,
        kinds=KINDS,
        warning=share_warning(preview),
    )
