"""The OpenID Connect sign-in routes: leave for the provider, come back signed in."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue

from lms import clock
from lms.dbsession import db_session
from lms.people.hooks import run_after_people_import
from lms.people.org import person_and_line
from lms.people.web_sign_in import sign_in_as
from lms.sso.oidc import (
    CALLBACK_PATH,
    OidcRefused,
    OidcSettings,
    PendingSignIn,
    begin,
    finish,
    person_for,
)
from lms.sso.provisioning import CreationSettings
from lms.web_security import safe_next_url

bp = Blueprint("sso_oidc", __name__)
security_log = logging.getLogger("lms.security")
PENDING_KEY = "oidc_pending"
ID_TOKEN_KEY = "oidc_id_token"  # noqa: S105 (a session key, not a secret)


def _settings() -> OidcSettings:
    settings = OidcSettings.from_config(current_app.config)
    if settings is None:
        abort(404)
    return settings


def _redirect_uri() -> str:
    return current_app.config["BASE_URL"].rstrip("/") + url_for("sso_oidc.callback")


@bp.get("/sso/oidc/start")
def start() -> ResponseReturnValue:
    """Send the person to the provider's sign-in page, remembering what must come back."""
    settings = _settings()
    try:
        url, pending = begin(settings, _redirect_uri(), safe_next_url(request.args.get("next")))
    except OidcRefused as refused:
        return _refused(refused)
    session[PENDING_KEY] = pending.to_dict()
    return redirect(url)


@bp.get(CALLBACK_PATH)
def callback() -> ResponseReturnValue:
    """Verify the provider's answer, then sign the matching person in as a password would."""
    settings = _settings()
    stored = session.pop(PENDING_KEY, None)  # usable once: a replayed state finds nothing
    pending = PendingSignIn(**stored) if isinstance(stored, dict) else None
    session_db = db_session()
    try:
        identity = finish(settings, pending, request.args, _redirect_uri(), clock.now().timestamp())
        found = person_for(
            session_db, settings, CreationSettings.from_config(current_app.config), identity.claims
        )
    except OidcRefused as refused:
        session_db.rollback()
        return _refused(refused)
    assert pending is not None
    if found.created:  # as after an HRIS import: their assigned courses are there at once
        run_after_people_import(current_app, session_db, person_and_line(found.employee.id))
    session_db.commit()
    employee = found.employee
    response = redirect(pending.next_url or url_for("home.index"))
    sign_in_as(employee, response)
    session[ID_TOKEN_KEY] = identity.id_token
    security_log.info("oidc sign-in: account %s", employee.id)
    return response


def _refused(refused: OidcRefused) -> ResponseReturnValue:
    security_log.warning("%s (from %s)", refused.event, request.remote_addr)
    return render_template("sso/refused.html", reason=refused.reason), refused.status
