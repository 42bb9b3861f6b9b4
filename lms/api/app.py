"""Puts the API on the app: flask-smorest for the OpenAPI 3.1 document, Authlib for tokens."""

from __future__ import annotations

import http
from typing import Any

from flask import Flask
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from lms.api import (
    attestation_views,
    audit_views,
    certificate_views,
    completion_views,
    course_views,
    docs_views,
    oauth,
    people_views,
    people_write_views,
    rule_views,
    token_views,
    webhook_views,
)
from lms.api.blueprint import bp
from lms.api.problems import PREFIX, PROBLEM_JSON
from lms.api.schemas import ProblemSchema
from lms.api.scopes import SCOPES

SETTINGS: dict[str, Any] = {
    "API_TITLE": "Postwise API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": PREFIX,
    "OPENAPI_JSON_PATH": "openapi.json",  # no Swagger UI or ReDoc: they load from a CDN
}

# The modules whose routes are on the API's blueprint (importing them adds the routes).
ROUTES = (
    completion_views,
    people_views,
    people_write_views,
    course_views,
    attestation_views,
    certificate_views,
    audit_views,
    rule_views,
    webhook_views,
)


class PostwiseApi(Api):
    """flask-smorest, with errors left to lms.errors (problem details under /api/v1, pages
    elsewhere) and documented as problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        """lms.errors answers every error; flask-smorest's would turn pages into JSON."""

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", default, lazy=True)


def init_app(app: Flask) -> None:
    """Register the API's blueprints, its OpenAPI document and the token endpoint."""
    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    api = PostwiseApi(app)
    api.spec.components.security_scheme(
        "oauth2",
        {
            "type": "oauth2",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": f"{PREFIX}/token",
                    "scopes": {scope: str(label) for scope, label in SCOPES.items()},
                }
            },
        },
    )
    api.register_blueprint(bp)  # with the routes of completion_views and people_views
    app.register_blueprint(token_views.bp)
    app.register_blueprint(docs_views.bp)
    app.extensions["postwise_api"] = api
    oauth.init_app(app)
