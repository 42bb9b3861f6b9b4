"""The API's one blueprint: token calls only (no CSRF), limited per client, every call logged."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Response, current_app, json, request
from flask_smorest import Blueprint

from lms.api import cursor
from lms.api.auth import log_call, rate_key, rate_limit
from lms.extensions import csrf, limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1", description="Postwise's REST API.")
csrf.exempt(bp)
limiter.limit(rate_limit, key_func=rate_key)(bp)
bp.after_request(log_call)


def json_with_etag(body: object) -> Response:
    """A JSON answer with an ETag; a matching If-None-Match gets 304 and no body."""
    response = Response(json.dumps(body), mimetype="application/json")
    response.add_etag()
    return response.make_conditional(request)


def next_link(last_id: int) -> str:
    """This request's URL, same filters, for the page after `last_id`."""
    args = {k: v for k, v in request.args.items() if k != "cursor"}
    args["cursor"] = cursor.encode(last_id)
    base = current_app.config["BASE_URL"].rstrip("/")
    return f"{base}{request.path}?{urlencode(args)}"
