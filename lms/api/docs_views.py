"""The browsable API docs: the OpenAPI document rendered on the server, in the site's look
(Swagger UI and ReDoc load scripts from a CDN and run inline script, which the CSP forbids)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask.typing import ResponseReturnValue

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")
METHODS = ("get", "post", "put", "patch", "delete")


@bp.get("/docs")
def docs() -> ResponseReturnValue:
    spec = current_app.extensions["postwise_api"].spec.to_dict()
    operations = [
        {"method": method.upper(), "path": path, **operation}
        for path, item in spec.get("paths", {}).items()
        for method, operation in item.items()
        if method in METHODS
    ]
    return render_template("api/docs.html", spec=spec, operations=operations)
