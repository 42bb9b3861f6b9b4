"""Invite links from the browser: one person's, or many people's at once (emailed when mail
is set up, otherwise shown once on a page and offered as a CSV file for HR to pass on)."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from lms import clock
from lms.access import get_visible_employee, hr_required, listed_employees
from lms.dbsession import db_session
from lms.downloads import attachment
from lms.mail.links import link_builder
from lms.people.bulk_invites import InviteChoice, choose_invitees
from lms.people.forms import InviteLinksFileForm, InviteManyForm
from lms.people.invites import (
    InviteBatch,
    InviteExpired,
    InviteInvalid,
    issue_invites,
    links_of_batch,
)
from lms.people.password_mail import INVITE, LinkMail, queue_password_links
from lms.spreadsheet import csv_lines

bp = Blueprint("invites", __name__, url_prefix="/people")
log = logging.getLogger(__name__)
CSV_HEADER = ["Name", "Email", "Employee id", "Invite link", "Link works until (UTC)"]


@bp.post("/<int:employee_id>/invite-link")
@hr_required
def create_link(employee_id: int) -> ResponseReturnValue:
    """A one-time link for someone without a password, shown once for HR to pass on."""
    session = db_session()
    employee = get_visible_employee(session, current_user, employee_id)
    back = redirect(url_for("people.detail", employee_id=employee.id))
    if not employee.is_active:
        flash(_("%(name)s has left, so they cannot be invited.", name=employee.name), "error")
        return back
    if employee.password_hash:
        flash(
            _(
                "%(name)s has a password already. If they forgot it, “Forgot your password?” "
                "on the sign-in page gives them a new link.",
                name=employee.name,
            ),
            "error",
        )
        return back
    batch = issue_invites(
        session, current_app.config["SECRET_KEY"], [employee], actor_id=current_user.id
    )
    session.commit()
    log.info("invite link created for employee %s by %s", employee.id, current_user.id)
    return _links_page(batch, InviteChoice(invite=[employee]))


@bp.post("/invite")
@hr_required
def invite_many() -> ResponseReturnValue:
    """Invite the people ticked on the list, or everyone without a password."""
    form = InviteManyForm()
    back = redirect(url_for("people.index"))
    if not form.validate_on_submit():
        flash(_("One of the people ticked does not exist; tick them again."), "error")
        return back
    everyone = form.scope.data == "everyone"
    if not everyone and not form.person.data:
        flash(
            _(
                "Tick the people you want to invite, or choose “Invite everyone without a "
                "password”."
            ),
            "error",
        )
        return back
    session = db_session()
    choice = choose_invitees(
        session, listed_employees(current_user), None if everyone else form.person.data
    )
    if not choice.invite:
        flash(
            _("Nobody to invite: everyone ticked has a password already or has left.")
            if choice.skipped
            else _("Nobody to invite: everyone has a password already."),
            "info",
        )
        return back
    config = current_app.config
    if not config["SMTP_HOST"]:
        batch = issue_invites(
            session, config["SECRET_KEY"], choice.invite, actor_id=current_user.id
        )
        session.commit()
        log.info("invite links created for %d people by %s", len(choice.invite), current_user.id)
        return _links_page(batch, choice)
    settings = LinkMail.from_config(config, link_builder(current_app))
    queued = queue_password_links(
        session, choice.invite, INVITE, settings, actor_id=current_user.id
    )
    session.commit()
    recent = len(choice.invite) - queued
    hours = config["INVITE_MAX_AGE_HOURS"]
    on_their_way = ngettext(
        "Invites are on their way to %(num)d person; each link works once, for %(hours)d hours.",
        "Invites are on their way to %(num)d people; each link works once, for %(hours)d hours.",
        queued,
        hours=hours,
    )
    sent_lately = ngettext(
        "%(num)d person got an email with a link less than 15 minutes ago, so nothing new "
        "went to them.",
        "%(num)d people got an email with a link less than 15 minutes ago, so nothing new "
        "went to them.",
        recent,
    )
    parts = (on_their_way, sent_lately if recent else "", _skipped(choice))
    flash(" ".join(part for part in parts if part), "success")
    return back


@bp.post("/invite-links.csv")
@hr_required
def links_file() -> ResponseReturnValue:
    """The links of a batch HR has just created, as a CSV file (the same links, none new)."""
    form = InviteLinksFileForm()
    back = redirect(url_for("people.index"))
    if not form.validate_on_submit():
        flash(_("Create the invite links first: then they can be downloaded."), "error")
        return back
    hours = current_app.config["INVITE_MAX_AGE_HOURS"]
    try:
        batch = links_of_batch(
            db_session(), current_app.config["SECRET_KEY"], form.batch.data, timedelta(hours=hours)
        )
    except InviteExpired:
        flash(
            _("These links are more than %(hours)d hours old and no longer work.", hours=hours),
            "error",
        )
        return back
    except InviteInvalid:
        flash(_("That list of links is damaged; create the invite links again."), "error")
        return back
    if not batch.links:
        flash(_("None of these links works any more: everyone in the list has set a password."))
        return back
    link = link_builder(current_app)
    until = (batch.issued_at + timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M")
    rows = [
        (person.name, person.email, person.hris_id, link("auth.accept_invite", token=token), until)
        for person, token in batch.links
    ]
    log.info("invite links of %d people downloaded by %s", len(rows), current_user.id)
    return attachment(
        csv_lines(CSV_HEADER, rows),
        filename=f"postwise-invite-links-{clock.now():%Y-%m-%d}.csv",
        mimetype="text/csv",
    )


def _links_page(batch: InviteBatch, choice: InviteChoice) -> ResponseReturnValue:
    """The links, shown this once: no cache keeps the page."""
    hours = current_app.config["INVITE_MAX_AGE_HOURS"]
    link = link_builder(current_app)
    response = make_response(
        render_template(
            "people/invite_links.html",
            links=[
                (person, link("auth.accept_invite", token=token)) for person, token in batch.links
            ],
            until=batch.issued_at + timedelta(hours=hours),
            hours=hours,
            form=InviteLinksFileForm(formdata=None, batch=batch.batch),
            skipped=_skipped(choice),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _skipped(choice: InviteChoice) -> str:
    """Who was ticked but not invited, and why."""
    passwords, left = len(choice.has_password), len(choice.inactive)
    if passwords and left:
        return _(
            "Not invited: %(has_password)s and %(left)s.",
            has_password=ngettext(
                "%(num)d person ticked already has a password",
                "%(num)d people ticked already have a password",
                passwords,
            ),
            left=ngettext(
                "%(num)d person ticked has left", "%(num)d people ticked have left", left
            ),
        )
    if passwords:
        return ngettext(
            "Not invited: %(num)d person ticked already has a password.",
            "Not invited: %(num)d people ticked already have a password.",
            passwords,
        )
    if left:
        return ngettext(
            "Not invited: %(num)d person ticked has left.",
            "Not invited: %(num)d people ticked have left.",
            left,
        )
    return ""
