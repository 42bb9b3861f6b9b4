"""The SCIM 2.0 API under /scim/v2: JSON for identity providers, bearer-token authenticated.

Exempt from CSRF (no browser, no cookie: a token in the Authorization header instead).
Every call made with a valid token is logged for HR's page; refused tokens go to the
security log only, so nobody without a token can fill the call log.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, g, request
from flask.typing import ResponseReturnValue
from pydantic import ValidationError
from scim2_models import (
    Context,
    ListResponse,
    NotFoundException,
    NotImplementedException,
    PatchOp,
    PreconditionFailedException,
    Resource,
    ResponseParameters,
    SCIMException,
    SearchRequest,
    UnauthorizedException,
)
from sqlalchemy import Select
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from lms.db import write_transaction
from lms.dbsession import database, db_session, reads_only
from lms.extensions import csrf, limiter
from lms.people.hooks import run_after_people_import
from lms.people.models import Employee
from lms.people.org import person_and_line
from lms.scim import discovery, services, tokens
from lms.scim.schema import ScimUser, with_provider_quirks

bp = Blueprint("scim", __name__, url_prefix="/scim/v2")
csrf.exempt(bp)
limiter.exempt(bp)  # provisioning a whole company is thousands of calls; the token gates it
SCIM_JSON = "application/scim+json"
security_log = logging.getLogger("lms.security")
MAX_BODY = 256 * 1024


@bp.before_request
def _authenticate() -> None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    session = db_session()
    token = tokens.authenticate(session, secret.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        security_log.warning("SCIM call refused: no valid bearer token (%s)", request.path)
        raise UnauthorizedException(detail="a valid bearer token is needed (HR creates one)")
    g.scim_token = (token.id, token.name)


@bp.after_request
def _log_call(response: Response) -> Response:
    token = g.get("scim_token")
    if token is not None:
        detail = g.get("scim_error")
        if (request_session := g.get("db_session")) is not None:
            # What the call changed is committed by now; let go of SQLite's write lock.
            request_session.rollback()
        with write_transaction(database().sessions) as session:
            tokens.log_call(
                session, token[0], request.method, request.path, response.status_code, detail
            )
    return response


@bp.errorhandler(SCIMException)
def _scim_error(error: SCIMException) -> ResponseReturnValue:
    db_session().rollback()
    g.scim_error = error.detail
    body = error.to_error().model_dump()
    return _json(body, int(error.status))


@bp.errorhandler(ValidationError)
def _invalid(error: ValidationError) -> ResponseReturnValue:
    db_session().rollback()
    detail = "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in error.errors()
    )
    g.scim_error = detail
    body = {"schemas": [_ERROR], "status": "400", "scimType": "invalidValue", "detail": detail}
    return _json(body, 400)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> ResponseReturnValue:
    db_session().rollback()
    g.scim_error = error.description
    body = {"schemas": [_ERROR], "status": str(error.code), "detail": error.description}
    return _json(body, error.code or 500)


_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


@bp.get("/ServiceProviderConfig")
def service_provider_config() -> ResponseReturnValue:
    return _json(discovery.service_provider_config(_base()))


@bp.get("/ResourceTypes")
def resource_types() -> ResponseReturnValue:
    return _json(_list(discovery.resource_types(_base())))


@bp.get("/ResourceTypes/<name>")
def resource_type(name: str) -> ResponseReturnValue:
    return _json(_one(discovery.resource_types(_base()), name))


@bp.get("/Schemas")
def schemas() -> ResponseReturnValue:
    return _json(_list(discovery.schemas(_base())))


@bp.get("/Schemas/<schema_id>")
def schema(schema_id: str) -> ResponseReturnValue:
    return _json(_one(discovery.schemas(_base()), schema_id))


@bp.get("/Users")
def users() -> ResponseReturnValue:
    search = SearchRequest.model_validate(
        {
            "filter": request.args.get("filter"),
            "startIndex": _int_arg("startIndex", 1),
            "count": _int_arg("count", services.MAX_COUNT),
        }
    )
    return _users_page(search, wanted_attributes(ScimUser))


@bp.post("/.search")
def search_everything() -> ResponseReturnValue:
    """Searching users and groups in one list is not offered: RFC 7644 §3.4.3 lets a
    server answer 501, and scim2-tester treats it so."""
    raise NotImplementedException(
        detail="searching users and groups at once is not supported: POST the search to "
        "/Users/.search or /Groups/.search"
    )


@bp.post("/Users/.search")
def search_users() -> ResponseReturnValue:
    """RFC 7644 §3.4.3: the query in a body instead of the URL."""
    search = SearchRequest.model_validate(_body(), scim_ctx=Context.SEARCH_REQUEST)
    wanted = ResponseParameters[ScimUser].model_validate(
        {"attributes": search.attributes, "excludedAttributes": search.excluded_attributes}
    )
    return _users_page(search, wanted)


def _users_page(
    search: SearchRequest, wanted: ResponseParameters[ScimUser] | None
) -> ResponseReturnValue:
    start = search.start_index or 1
    count = services.MAX_COUNT if search.count is None else search.count
    session = db_session()
    filter_text = str(search.filter) if search.filter is not None else None
    page = services.list_people(session, filter_text, start, count)
    resources = services.as_users(session, page.people, f"{_base()}/Users")
    listing = ListResponse[ScimUser](
        total_results=page.total,
        start_index=max(start, 1),
        items_per_page=len(resources),
        resources=resources,
    )
    return _json(listing.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=wanted))


@bp.post("/Users")
def create_user() -> ResponseReturnValue:
    user = ScimUser.model_validate(_body(), scim_ctx=Context.RESOURCE_CREATION_REQUEST)
    session = db_session()
    person = services.create_person(session, user, token_name=g.scim_token[1])
    return _saved(session, person, 201)


@bp.get("/Users/<scim_id>")
def user(scim_id: str) -> ResponseReturnValue:
    session = db_session()
    found = _user(session, services.get_person(session, scim_id))
    if request.headers.get("If-None-Match") == found.meta.version:
        return Response(status=304, headers={"ETag": found.meta.version})
    return resource_response(found, ScimUser)


@bp.put("/Users/<scim_id>")
def replace_user(scim_id: str) -> ResponseReturnValue:
    session = db_session()
    person = _matching(session, scim_id)
    user = ScimUser.model_validate(_body(), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
    services.replace_person(session, person, user, token_name=g.scim_token[1])
    return _saved(session, person)


@bp.patch("/Users/<scim_id>")
def patch_user(scim_id: str) -> ResponseReturnValue:
    session = db_session()
    person = _matching(session, scim_id)
    patch = PatchOp[ScimUser].model_validate(_body(), scim_ctx=Context.RESOURCE_PATCH_REQUEST)
    current = _user(session, person)
    services.patch_person(session, person, current, patch, token_name=g.scim_token[1])
    return _saved(session, person)


@bp.delete("/Users/<scim_id>")
def delete_user(scim_id: str) -> ResponseReturnValue:
    """Deactivates: Postwise never deletes people, but for SCIM they are gone (a later GET
    answers 404) until the provider creates them again."""
    session = db_session()
    person = _matching(session, scim_id)
    services.deactivate_person(session, person, _user(session, person), token_name=g.scim_token[1])
    _commit(session, person_and_line(person.id))
    return Response(status=204)


@bp.route("/<path:unknown>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@reads_only
def unknown(unknown: str) -> ResponseReturnValue:
    """Anything else under /scim/v2 answers as SCIM does, with an Error body, not a page:
    405 for a method a known endpoint does not take, 404 for the rest."""
    if request.method != "GET" and unknown.split("/")[0] in KNOWN_ENDPOINTS:
        body = {
            "schemas": [_ERROR],
            "status": "405",
            "detail": f"/{unknown} does not take {request.method}",
        }
        g.scim_error = body["detail"]
        return _json(body, 405)
    raise NotFoundException(detail=f"there is nothing at /scim/v2/{unknown}")


KNOWN_ENDPOINTS = {
    "ServiceProviderConfig",
    "ResourceTypes",
    "Schemas",
    "Users",
    "Groups",
    ".search",
}


def _matching(session: Session, scim_id: str) -> Employee:
    """The person, if the request's If-Match (when given) is their current version."""
    person = services.get_person(session, scim_id)
    check_if_match(lambda: _user(session, person), "user")
    return person


def check_if_match(current_resource: Callable[[], Resource[Any]], what: str) -> None:
    """RFC 7644 §3.14: refuse a change whose If-Match (when given) is not the current version
    (read only when one is given)."""
    wanted = request.headers.get("If-Match")
    if wanted and wanted != "*":
        current = current_resource().meta.version
        if current not in [tag.strip() for tag in wanted.split(",")]:
            raise PreconditionFailedException(
                detail=f"the {what} changed since it was read: its version is now {current}"
            )


def _saved(session: Session, person: Employee, status: int = 200) -> ResponseReturnValue:
    _commit(session, person_and_line(person.id))
    session.refresh(person)
    return resource_response(_user(session, person), ScimUser, status)


def _commit(session: Session, people: Select[tuple[int]] | None) -> None:
    """As after an HRIS import, assignment rules pick up new and changed people at once; here
    only `people`, those the call could change (None: everyone)."""
    run_after_people_import(current_app, session, people)
    session.commit()


def _user(session: Session, person: Employee) -> ScimUser:
    return services.as_users(session, [person], f"{_base()}/Users")[0]


def resource_response(
    resource: Resource[Any], model: type[Resource[Any]], status: int = 200
) -> ResponseReturnValue:
    """One resource as SCIM JSON, trimmed as asked, with its Location and ETag."""
    body = resource.model_dump(
        scim_ctx=Context.RESOURCE_QUERY_RESPONSE, response_parameters=wanted_attributes(model)
    )
    response = _json(body, status)
    response.headers["Location"] = resource.meta.location
    response.headers["ETag"] = resource.meta.version
    return response


def wanted_attributes(model: type[Resource[Any]]) -> ResponseParameters[Any] | None:
    """The attributes / excludedAttributes query parameters (RFC 7644 §3.9), if any."""
    attributes = request.args.get("attributes")
    excluded = request.args.get("excludedAttributes")
    if not (attributes or excluded):
        return None
    return ResponseParameters[model].model_validate(
        {"attributes": attributes, "excludedAttributes": excluded}
    )


def _list(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": len(resources),
        "startIndex": 1,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


def _one(resources: list[dict[str, Any]], resource_id: str) -> dict[str, Any]:
    for resource in resources:
        if resource["id"] == resource_id:
            return resource
    raise NotFoundException(detail=f"there is no {resource_id!r} here")


def _body() -> Any:
    if (request.content_length or 0) > MAX_BODY:
        raise SCIMException(detail="the request body is too large")
    try:
        body = json.loads(request.get_data(cache=False) or b"null")
    except ValueError as exc:
        raise _InvalidSyntax(detail=f"the body is not JSON ({exc})") from None
    return with_provider_quirks(body, f"{_base()}/Users")


class _InvalidSyntax(SCIMException):
    scim_type = "invalidSyntax"


def _int_arg(name: str, default: int) -> int:
    value = request.args.get(name, "")
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise _InvalidValue(detail=f"{name} must be a whole number, not {value!r}") from None


class _InvalidValue(SCIMException):
    scim_type = "invalidValue"


def _base() -> str:
    return request.url_root.rstrip("/") + bp.url_prefix


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, default=str), status=status, mimetype=SCIM_JSON)
