"""Postwise: a learning management system for professional social media use."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from lms import commands, dbsession, errors, i18n, logs, web_security
from lms.access import Viewer, load_viewer
from lms.api import app as api
from lms.api.admin_views import bp as api_admin_bp
from lms.assignments.person_views import bp as person_courses_bp
from lms.assignments.person_views import course_section
from lms.assignments.services import sync_after_import
from lms.assignments.views import bp as assignments_bp
from lms.authoring.views import bp as authoring_bp
from lms.config import load_settings
from lms.courses.markdown import sanitized
from lms.extensions import csrf, init_sign_in_throttle, limiter, login_manager
from lms.health import bp as health_bp
from lms.home import bp as home_bp
from lms.learning.certificate_views import bp as certificates_bp
from lms.learning.course_language import bp as course_language_bp
from lms.learning.quiz_views import bp as quiz_bp
from lms.learning.views import bp as learning_bp
from lms.mail.views import bp as mail_bp
from lms.migrations import upgrade_sqlite_if_needed
from lms.people.auth_views import bp as auth_bp
from lms.people.hooks import register_after_people_import, register_person_section
from lms.people.invite_views import bp as invites_bp
from lms.people.language_views import bp as language_bp
from lms.people.views import bp as people_bp
from lms.precheck.views import bp as precheck_bp
from lms.purpose.views import bp as purpose_bp
from lms.reports.org_views import bp as organisation_bp
from lms.reports.team_views import bp as team_bp
from lms.reports.views import bp as reports_bp
from lms.scim.admin_views import bp as scim_admin_bp
from lms.scim.group_views import bp as scim_bp  # the SCIM blueprint, Groups included
from lms.sso import saml_views
from lms.sso.identity_views import bp as identity_admin_bp
from lms.sso.oidc_views import bp as sso_oidc_bp
from lms.webhooks.admin_views import bp as webhooks_admin_bp

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BLUEPRINTS = (
    health_bp,
    home_bp,
    auth_bp,
    people_bp,
    invites_bp,
    language_bp,
    learning_bp,
    course_language_bp,
    quiz_bp,
    certificates_bp,
    reports_bp,
    team_bp,
    organisation_bp,
    assignments_bp,
    person_courses_bp,
    authoring_bp,
    mail_bp,
    precheck_bp,
    purpose_bp,
    sso_oidc_bp,
    scim_bp,
    scim_admin_bp,
    identity_admin_bp,
    api_admin_bp,
    webhooks_admin_bp,
)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Assemble the app: settings, extensions, blueprints, CLI and error handlers."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    load_settings(app, config)
    logs.init_app(app)  # before anything asks for app.logger, which would add Flask's handler
    if proxies := app.config["TRUSTED_PROXIES"]:
        # Behind a load balancer the client's address (rate limits, logs) is in X-Forwarded-For.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )

    dbsession.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    init_sign_in_throttle(app)
    login_manager.init_app(app)
    login_manager.user_loader(_load_viewer)
    web_security.init_app(app)
    errors.init_app(app)
    i18n.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    api.init_app(app)  # /api/v1: its blueprints, OpenAPI document and token endpoint
    saml_views.init_app(app)  # SAML sign-in; its pages answer 404 while SAML is off
    app.jinja_env.filters["sanitized"] = sanitized
    app.jinja_env.globals["mail_enabled"] = bool(app.config["SMTP_HOST"])
    commands.register(app)
    register_after_people_import(app, sync_after_import)
    register_person_section(app, course_section)

    if app.config["AUTO_UPGRADE"]:
        # Development convenience: a new or outdated SQLite file is brought up to date.
        upgrade_sqlite_if_needed(app)
    return app


def _load_viewer(user_id: str) -> Viewer | None:
    return load_viewer(dbsession.db_session(), user_id)
