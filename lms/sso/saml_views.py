"""SAML sign-in pages: SP metadata, the start of a sign-in, and the assertion consumer."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from saml2.config import SPConfig

from lms.dbsession import db_session
from lms.extensions import csrf
from lms.i18n import translate
from lms.people.hooks import run_after_people_import
from lms.people.org import person_and_line
from lms.people.web_sign_in import sign_in_as
from lms.sso.password_policy import SAML_LABEL
from lms.sso.provisioning import CreationSettings
from lms.sso.saml import (
    SamlRefused,
    SamlSettings,
    login_redirect,
    sign_in_from_response,
    sp_config,
    sp_metadata,
)

bp = Blueprint("saml", __name__, url_prefix="/sso/saml")
security_log = logging.getLogger("lms.security")
EXTENSION = "postwise_saml"


def init_app(app: Flask) -> None:
    """Load the SAML settings once (a metadata URL is fetched here, only if set)."""
    settings = SamlSettings.from_config(app.config)
    app.extensions[EXTENSION] = (settings, sp_config(settings)) if settings else None
    app.jinja_env.globals["saml_enabled"] = settings is not None
    app.jinja_env.globals["saml_label"] = SAML_LABEL
    app.register_blueprint(bp)


def loaded_config() -> SPConfig | None:
    """The SAML configuration loaded at start, or None while SAML is off."""
    configured = current_app.extensions.get(EXTENSION)
    return configured[1] if configured else None


def _configured() -> tuple[SamlSettings, SPConfig]:
    configured = current_app.extensions.get(EXTENSION)
    if configured is None:
        abort(404)
    return configured


@bp.get("/metadata")
def metadata() -> ResponseReturnValue:
    """The SP metadata the IdP's administrator loads (or copies values from)."""
    _settings, config = _configured()
    return sp_metadata(config), 200, {"Content-Type": "application/samlmetadata+xml"}


@bp.get("/login")
def login() -> ResponseReturnValue:
    """Send the browser to the IdP with a sign-in request."""
    _settings, config = _configured()
    return redirect(login_redirect(config))


@bp.post("/acs")
@csrf.exempt  # a cross-site POST from the IdP by design: the response's signature protects it
def acs() -> ResponseReturnValue:
    """Check the IdP's response and sign its person in, or say clearly why not."""
    settings, config = _configured()
    session_db = db_session()
    try:
        found = sign_in_from_response(
            session_db,
            config,
            settings,
            request.form.get("SAMLResponse", ""),
            CreationSettings.from_config(current_app.config),
        )
    except SamlRefused as refused:
        session_db.commit()  # the purge and the id of an accepted-then-refused assertion
        security_log.warning("SAML sign-in refused: %s", refused.reason)
        return render_template("auth/sso_refused.html", message=translate(refused.message)), 403
    if found.created:  # as after an HRIS import: their assigned courses are there at once
        run_after_people_import(current_app, session_db, person_and_line(found.employee.id))
    session_db.commit()
    employee = found.employee
    response = redirect(url_for("home.index"))
    sign_in_as(employee, response)
    security_log.info("SAML sign-in for employee %s", employee.id)
    return response
