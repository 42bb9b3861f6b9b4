"""HR's API clients page: clients created (the secret shown once), revoked, and the latest
API calls."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from lms import confirm
from lms.access import hr_required
from lms.api import clients
from lms.api.forms import ClientForm, RevokeForm
from lms.dbsession import db_session
from lms.i18n import translate

bp = Blueprint("api_admin", __name__, url_prefix="/admin/api-clients")


@bp.get("")
@hr_required
def page() -> ResponseReturnValue:
    return _page(ClientForm())


@bp.post("")
@hr_required
def create() -> ResponseReturnValue:
    """Make a client and show its secret once, on this response only (it is never stored)."""
    form = ClientForm()
    if not form.validate_on_submit():
        return _page(form), 400
    session = db_session()
    try:
        new = clients.create_client(
            session,
            form.name.data or "",
            form.scopes.data or [],
            form.manager_email.data or "",
            actor_id=current_user.id,
        )
    except clients.ClientProblem as problem:
        session.rollback()
        getattr(form, problem.field).errors = [translate(problem.message)]
        return _page(form), 400
    session.commit()
    return _page(ClientForm(formdata=None), new_client=new)


@bp.post("/<int:client_id>/revoke")
@hr_required
def revoke(client_id: int) -> ResponseReturnValue:
    session = db_session()
    client = next((c for c in clients.clients(session) if c.id == client_id), None)
    if client is None or not RevokeForm().validate_on_submit():
        return _page(
            ClientForm(), problem=_("That client does not exist, or the form expired.")
        ), 404
    if not confirm.is_confirmed():
        return confirm.ask(
            _("Revoke the API client “%(name)s”?", name=client.name),
            [
                _("Its tokens stop working at once, and it cannot get new ones."),
                _("This cannot be undone: to connect the system again, create a new client."),
            ],
            _("Revoke the client"),
            url_for("api_admin.page"),
        )
    clients.revoke_client(session, client, actor_id=current_user.id)
    session.commit()
    flash(
        _("The API client “%(name)s” is revoked. Calls that use it are refused.", name=client.name),
        "success",
    )
    return redirect(url_for("api_admin.page"))


def _page(
    form: ClientForm, *, new_client: clients.NewClient | None = None, problem: str | None = None
) -> str:
    session = db_session()
    return render_template(
        "api_admin/page.html",
        form=form,
        revoke_form=RevokeForm(),
        clients=clients.clients(session),
        calls=clients.recent_calls(session),
        new_client=new_client,
        problem=problem,
        api_url=current_app.config["BASE_URL"].rstrip("/") + "/api/v1",
    )
