"""POST /api/v1/token: OAuth2 client credentials in, a one-hour bearer token out.

Errors here are RFC 6749's (`error`, `error_description`), which OAuth2 client libraries
read; every other API error is problem details.
"""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

from lms.api.auth import log_call, rate_key, rate_limit
from lms.api.oauth import server
from lms.dbsession import db_session
from lms.extensions import csrf, limiter

bp = Blueprint("api_token", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
bp.after_request(log_call)


@bp.post("/token")
@limiter.limit(rate_limit, key_func=rate_key)
def token() -> ResponseReturnValue:
    """Issue an access token to a client whose id and secret match."""
    response = server.create_token_response()
    if response.status_code == 200:
        db_session().commit()
    return response
