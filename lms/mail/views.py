"""Email on the web: HR's outbox, everyone's email settings, a manager's nudge."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _
from flask_login import current_user, login_required

from lms.access import hr_required, manager_or_hr_required, report_scope
from lms.dbsession import db_session
from lms.i18n import translate
from lms.mail import outbox
from lms.mail.forms import EmailSettingsForm, OutboxFilterForm
from lms.mail.links import link_builder
from lms.mail.models import FAILED, QUEUED, SENDING, SENT
from lms.mail.nudges import NudgeRefused, nudge
from lms.paging import page_within
from lms.people.services import set_weekly_digest
from lms.web_security import safe_next_url

bp = Blueprint("mail", __name__)
PER_PAGE = 50
KINDS = {
    "assigned": _("Course assigned"),
    "due_soon": _("Due in 7 days"),
    "due_tomorrow": _("Due tomorrow"),
    "overdue": _("Overdue"),
    "certificate_expiring": _("Certificate expiring"),
    "guideline_again": _("Guideline to acknowledge again"),
    "manager_digest": _("Weekly team digest"),
    "nudge": _("Nudge from a manager"),
    "invite": _("Invite"),
    "password_reset": _("Password reset"),
}
# An outbox message's status → the word HR reads, and what an empty list of that status says.
STATUS_LABELS = {
    QUEUED: _("Queued"),
    SENDING: _("Sending"),
    SENT: _("Sent"),
    FAILED: _("Failed"),
}
EMPTY_LABELS = {
    QUEUED: _("No queued messages."),
    SENDING: _("No messages being sent."),
    SENT: _("No sent messages."),
    FAILED: _("No failed messages."),
}


@bp.get("/mail/outbox")
@hr_required
def outbox_page() -> ResponseReturnValue:
    """Every email Postwise has queued: what is waiting, what went, what failed and why."""
    session = db_session()
    form = OutboxFilterForm(request.args)
    form.validate()
    status = "" if form.status.errors else form.status.data or ""
    counts = outbox.status_counts(session)
    total = counts[status] if status else sum(counts.values())
    page, pages = page_within(form.page.data or 1, total, PER_PAGE)
    return render_template(
        "mail/outbox.html",
        form=form,
        counts=counts,
        status=status,
        messages=outbox.messages_page(session, status or None, page, PER_PAGE),
        page=page,
        pages=pages,
        kinds=KINDS,
        status_labels=STATUS_LABELS,
        empty_labels=EMPTY_LABELS,
        smtp_host=current_app.config["SMTP_HOST"],
    )


@bp.post("/mail/outbox/<int:message_id>/retry")
@hr_required
def retry(message_id: int) -> ResponseReturnValue:
    """Queue one failed message again; the next `lms mail send` tries it."""
    session = db_session()
    try:
        message = outbox.retry(session, message_id, actor_id=current_user.id)
    except outbox.NotRetryable:
        abort(404)
    session.commit()
    flash(
        gettext(
            "“%(subject)s” to %(address)s is queued again; the next send run will try it.",
            subject=message.subject,
            address=message.to_address,
        ),
        "success",
    )
    return redirect(url_for("mail.outbox_page", status="failed"))


@bp.post("/mail/outbox/retry-failed")
@hr_required
def retry_failed() -> ResponseReturnValue:
    """Queue every failed message again (after the mail server is fixed, say)."""
    session = db_session()
    count = outbox.retry_all_failed(session, actor_id=current_user.id)
    session.commit()
    flash(
        ngettext(
            "%(num)d failed message is queued again.",
            "%(num)d failed messages are queued again.",
            count,
        )
        if count
        else gettext("There were no failed messages to retry."),
        "success" if count else "info",
    )
    return redirect(url_for("mail.outbox_page"))


@bp.route("/settings/email", methods=["GET", "POST"])
@login_required
def settings() -> ResponseReturnValue:
    """Which emails a person can choose: for now a manager's weekly digest."""
    employee = current_user.employee
    form = EmailSettingsForm(data={"weekly_digest": employee.weekly_digest})
    if current_user.is_manager and form.validate_on_submit():
        session = db_session()
        set_weekly_digest(session, employee, wanted=bool(form.weekly_digest.data))
        session.commit()
        flash(
            gettext("Saved. You will get the weekly digest.")
            if form.weekly_digest.data
            else gettext("Saved. You will not get the weekly digest any more."),
            "success",
        )
        return redirect(url_for("mail.settings"))
    return render_template("mail/settings.html", form=form)


@bp.post("/reports/team/nudge/<int:enrollment_id>")
@manager_or_hr_required
def send_nudge(enrollment_id: int) -> ResponseReturnValue:
    """Email one overdue person a reminder from the manager (one per person per day)."""
    session = db_session()
    back = safe_next_url(request.form.get("next")) or url_for("team.index")
    try:
        person = nudge(
            session,
            enrollment_id,
            current_user.employee,
            report_scope(current_user),
            link_builder(current_app),
            mail_from=current_app.config["MAIL_FROM"],
            default_language=current_app.config["DEFAULT_LANGUAGE"],
        )
    except LookupError:
        abort(404)
    except NudgeRefused as refused:
        flash(translate(refused.message), "error")
        return redirect(back)
    session.commit()
    flash(gettext("A reminder from you is on its way to %(name)s.", name=person.name), "success")
    return redirect(back)
