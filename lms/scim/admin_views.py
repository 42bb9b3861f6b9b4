"""HR's SCIM page: tokens for identity providers (created, shown once, revoked) and the
latest SCIM calls with their errors."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from lms import confirm
from lms.access import hr_required
from lms.dbsession import db_session
from lms.scim import tokens
from lms.scim.forms import RevokeForm, TokenForm

bp = Blueprint("scim_admin", __name__, url_prefix="/admin/scim")


@bp.get("")
@hr_required
def page() -> ResponseReturnValue:
    return _page(TokenForm())


@bp.post("/tokens")
@hr_required
def create() -> ResponseReturnValue:
    """Make a token and show it once, on this response only (it is never stored)."""
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form), 400
    session = db_session()
    new = tokens.create_token(session, form.name.data or "", actor_id=current_user.id)
    session.commit()
    return _page(TokenForm(formdata=None), new_token=new)


@bp.post("/tokens/<int:token_id>/revoke")
@hr_required
def revoke(token_id: int) -> ResponseReturnValue:
    session = db_session()
    token = next((t for t in tokens.tokens(session) if t.id == token_id), None)
    if token is None or not RevokeForm().validate_on_submit():
        return _page(TokenForm(), problem=_("That token does not exist, or the form expired.")), 404
    if not confirm.is_confirmed():
        return confirm.ask(
            _("Revoke the token “%(name)s”?", name=token.name),
            [
                _("The identity provider that uses it can no longer add or change people."),
                _("This cannot be undone: to provision again, create a new token."),
            ],
            _("Revoke the token"),
            url_for("scim_admin.page"),
        )
    tokens.revoke_token(session, token_id, actor_id=current_user.id)
    session.commit()
    flash(
        _("The token “%(name)s” is revoked. Calls that use it are refused.", name=token.name),
        "success",
    )
    return redirect(url_for("scim_admin.page"))


def _page(
    form: TokenForm, *, new_token: tokens.NewToken | None = None, problem: str | None = None
) -> str:
    session = db_session()
    return render_template(
        "scim_admin/page.html",
        form=form,
        revoke_form=RevokeForm(),
        tokens=tokens.tokens(session),
        calls=tokens.recent_calls(session),
        new_token=new_token,
        problem=problem,
        # From LMS_BASE_URL, as every address Postwise gives out (and Sign-in settings).
        tenant_url=current_app.config["BASE_URL"].rstrip("/")
        + url_for("scim.service_provider_config").rsplit("/", 1)[0],
    )
