"""/scim/v2/Groups, on the SCIM blueprint: the same token, call log and error bodies as Users.

A change of members runs the same follow-ups as a change of people (the assignment sync),
so someone added to a group gets the group's courses at once.
"""

from __future__ import annotations

from flask import Response, g, request
from flask.typing import ResponseReturnValue
from scim2_models import (
    Context,
    Group,
    ListResponse,
    PatchOp,
    PreconditionFailedException,
    ResponseParameters,
)
from sqlalchemy.orm import Session

from lms.dbsession import db_session
from lms.people.groups import DirectoryGroup
from lms.scim import groups
from lms.scim.services import MAX_COUNT
from lms.scim.views import _base, _body, _commit, _int_arg, _json, bp


@bp.get("/Groups")
def list_groups() -> ResponseReturnValue:
    start = _int_arg("startIndex", 1)
    count = _int_arg("count", MAX_COUNT)
    session = db_session()
    page = groups.list_groups(session, request.args.get("filter"), start, count)
    resources = _groups(session, page.groups)
    listing = ListResponse[Group](
        total_results=page.total,
        start_index=max(start, 1),
        items_per_page=len(resources),
        resources=resources,
    )
    return _json(
        listing.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=_wanted())
    )


@bp.post("/Groups")
def create_group() -> ResponseReturnValue:
    group = Group.model_validate(_body(), scim_ctx=Context.RESOURCE_CREATION_REQUEST)
    session = db_session()
    saved = groups.create_group(session, group, token_name=g.scim_token[1])
    return _saved(session, saved, 201)


@bp.get("/Groups/<scim_id>")
def group(scim_id: str) -> ResponseReturnValue:
    session = db_session()
    found = _groups(session, [groups.get_group(session, scim_id)])[0]
    if request.headers.get("If-None-Match") == found.meta.version:
        return Response(status=304, headers={"ETag": found.meta.version})
    return _resource(found)


@bp.put("/Groups/<scim_id>")
def replace_group(scim_id: str) -> ResponseReturnValue:
    session = db_session()
    saved = _matching(session, scim_id)
    group = Group.model_validate(_body(), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
    groups.replace_group(session, saved, group, token_name=g.scim_token[1])
    return _saved(session, saved)


@bp.patch("/Groups/<scim_id>")
def patch_group(scim_id: str) -> ResponseReturnValue:
    session = db_session()
    saved = _matching(session, scim_id)
    body = groups.with_group_quirks(_body())
    patch = PatchOp[Group].model_validate(body, scim_ctx=Context.RESOURCE_PATCH_REQUEST)
    current = _groups(session, [saved])[0]
    groups.patch_group(session, saved, current, patch, token_name=g.scim_token[1])
    return _saved(session, saved)


@bp.delete("/Groups/<scim_id>")
def delete_group(scim_id: str) -> ResponseReturnValue:
    session = db_session()
    groups.delete_group(session, _matching(session, scim_id), token_name=g.scim_token[1])
    _commit(session)
    return Response(status=204)


def _matching(session: Session, scim_id: str) -> DirectoryGroup:
    """The group, if the request's If-Match (when given) is its current version."""
    saved = groups.get_group(session, scim_id)
    wanted = request.headers.get("If-Match")
    if wanted and wanted != "*":
        current = _groups(session, [saved])[0].meta.version
        if current not in [tag.strip() for tag in wanted.split(",")]:
            raise PreconditionFailedException(
                detail=f"the group changed since it was read: its version is now {current}"
            )
    return saved


def _saved(session: Session, saved: DirectoryGroup, status: int = 200) -> ResponseReturnValue:
    _commit(session)
    session.refresh(saved)
    return _resource(_groups(session, [saved])[0], status)


def _groups(session: Session, found: list[DirectoryGroup]) -> list[Group]:
    base = _base()
    return groups.as_groups(session, found, f"{base}/Groups", f"{base}/Users")


def _resource(group: Group, status: int = 200) -> ResponseReturnValue:
    body = group.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE, response_parameters=_wanted())
    response = _json(body, status)
    response.headers["Location"] = group.meta.location
    response.headers["ETag"] = group.meta.version
    return response


def _wanted() -> ResponseParameters[Group] | None:
    """attributes / excludedAttributes (RFC 7644 §3.9): Entra ID leaves out members."""
    attributes = request.args.get("attributes")
    excluded = request.args.get("excludedAttributes")
    if not (attributes or excluded):
        return None
    return ResponseParameters[Group].model_validate(
        {"attributes": attributes, "excludedAttributes": excluded}
    )
