"""RFC 9457 problem details: the one shape of every error under /api/v1."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Response, json
from werkzeug.exceptions import HTTPException

PREFIX = "/api/v1"
PROBLEM_JSON = "application/problem+json"
DETAILS: dict[int, str] = {
    400: "The request could not be read.",
    401: "Send a valid bearer token: POST your client id and secret to /api/v1/token.",
    403: "This client's scopes do not allow that; HR can create a client that has them.",
    404: "There is nothing at that address, or it is outside this client's scope.",
    405: "That method is not allowed at this address.",
    406: "This API answers in JSON only.",
    422: "Some parameters are not valid; see errors.",
    429: "Too many calls from this client; wait a minute, then try again.",
    500: "Something went wrong on our side; try again in a moment.",
}


def is_api_path(path: str) -> bool:
    """Whether an error at this path is answered as problem details (the docs page is HTML)."""
    return (path == PREFIX or path.startswith(PREFIX + "/")) and path != PREFIX + "/docs"


def problem(
    status: int,
    detail: str | None = None,
    *,
    title: str | None = None,
    errors: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A problem-details response; `errors` maps each parameter at fault to its messages."""

    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail or DETAILS.get(status, HTTPStatus(status).phrase),
    }
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    response.headers.update(headers or {})
    return response


def from_http_error(error: HTTPException) -> Response:
    """An HTTP error raised anywhere under /api/v1 (webargs' 422 included) as a problem."""
    if error.response is not None and error.response.mimetype == PROBLEM_JSON:
        return error.response  # made by problem() and raised with abort()
    code = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = _field_errors(data.get("messages")) if isinstance(data, dict) else None
    detail = None
    if errors:
        names = ", ".join(sorted(errors))
        detail = f"Not valid: {names}. See errors for what each needs."
    headers = {k: v for k, v in error.get_headers() if k in ("Allow", "Retry-After")}
    return problem(code, detail, errors=errors, headers=headers)


def _field_errors(messages: object) -> dict[str, Any] | None:
    """webargs nests messages by location (query, json…); clients want them by name."""
    if not isinstance(messages, dict):
        return None
    flat: dict[str, Any] = {}
    for by_name in messages.values():
        if isinstance(by_name, dict):
            flat.update(by_name)
    return flat or None
