"""HR's "Sign-in and provisioning" page: which identity sources are on, and the latest SCIM
calls with their errors."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from lms.access import hr_required
from lms.dbsession import db_session
from lms.scim import tokens
from lms.sso import saml_views
from lms.sso.sources import identity_sources

bp = Blueprint("identity_admin", __name__, url_prefix="/admin/identity")
SHOW = {"all": False, "errors": True}  # ?show= → errors only


@bp.get("")
@hr_required
def page() -> ResponseReturnValue:
    show = request.args.get("show", "all")
    problem = None
    if show not in SHOW:
        problem = _(
            "The calls filter “show=%(value)s” is not one Postwise knows, so all calls are "
            "shown. Choose “All calls” or “Errors only” above the table.",
            value=show[:40],
        )
        show = "all"
    session = db_session()
    html = render_template(
        "identity_admin/page.html",
        sources=identity_sources(current_app.config, session, saml_views.loaded_config()),
        calls=tokens.recent_calls(session, errors_only=SHOW[show]),
        show=show,
        problem=problem,
    )
    return html, 400 if problem else 200
