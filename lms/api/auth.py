"""Who is calling the API: the bearer check with scopes, the per-client rate limit and the
call log. Cookies play no part: a signed-in browser without a token gets 401."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6750 import InsufficientScopeError
from flask import Response, abort, current_app, g, request
from flask_limiter.util import get_remote_address

from lms.access import api_client_may_write
from lms.api import clients
from lms.api.models import ApiToken
from lms.api.oauth import current_token, protector
from lms.api.problems import problem
from lms.db import write_transaction
from lms.dbsession import database

api_log = logging.getLogger("lms.api")
security_log = logging.getLogger("lms.security")
F = TypeVar("F", bound=Callable[..., object])


def require_scope(scope: str) -> Callable[[F], F]:
    """Let the view run only for a live token that holds `scope` (401 or 403 problem)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: object, **kwargs: object) -> object:
            try:
                protector.acquire_token([scope])
            except InsufficientScopeError:
                security_log.warning("API call refused: no scope %s (%s)", scope, request.path)
                abort(problem(403, f"This client does not have the scope {scope}."))
            except OAuth2Error as error:
                security_log.warning("API call refused: %s (%s)", error.error, request.path)
                detail = (
                    "That token is not valid, has expired or its client was revoked: ask "
                    "/api/v1/token for a new one."
                    if request.headers.get("Authorization")
                    else None
                )
                header = 'Bearer realm="postwise"'
                abort(problem(401, detail, headers={"WWW-Authenticate": header}))
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def require_writer(scope: str) -> Callable[[F], F]:
    """As require_scope, for a write: the client must also see everyone (else 403 problem)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def checked(*args: object, **kwargs: object) -> object:
            if not api_client_may_write(token().client.manager_id):
                security_log.warning("API write refused: manager-scoped client (%s)", request.path)
                abort(
                    problem(
                        403,
                        "This client sees only a manager's reporting line, and such a client "
                        "cannot make changes; HR can create a client that sees everyone.",
                    )
                )
            return view(*args, **kwargs)

        return require_scope(scope)(checked)  # type: ignore[arg-type]

    return decorator


def token() -> ApiToken:
    """The request's token (require_scope has checked it)."""
    return g.api_token


def rate_limit() -> str:
    """Calls per client per minute (API_RATE_LIMIT)."""
    return current_app.config["API_RATE_LIMIT"]


def rate_key() -> str:
    """Counted per client when the call carries a known token, else per address."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    found = current_token(value.strip()) if scheme.lower() == "bearer" else None
    if found is not None:
        return f"api-client:{found.client_id}"
    return f"api-address:{get_remote_address()}"


def log_call(response: Response) -> Response:
    """Every call goes to the `lms.api` log; calls by a known client also go to HR's call
    log: one that sent its token (live or not) or was given one here. A caller that never
    had a token cannot fill it."""
    sent = g.get("api_token")
    client_id = g.get("api_client_id") or (sent.client_id if sent is not None else None)
    api_log.info(
        "API %s %s → %s (client %s)", request.method, request.path, response.status, client_id
    )
    if client_id is not None:
        detail = response.get_json(silent=True) if response.status_code >= 400 else None
        if (request_session := g.get("db_session")) is not None:
            request_session.rollback()  # what the call changed is committed by now
        with write_transaction(database().sessions) as session:
            clients.log_call(
                session,
                client_id,
                request.method,
                request.full_path.rstrip("?"),
                response.status_code,
                (detail or {}).get("detail") or (detail or {}).get("error_description"),
            )
    return response
