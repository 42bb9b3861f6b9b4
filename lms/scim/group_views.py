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
    ResponseParameters,
    SearchRequest,
)
from sqlalchemy.orm import Session

from lms.dbsession import db_session
from lms.people.groups import DirectoryGroup, joined_or_left, member_ids
from lms.scim import groups
from lms.scim.services import MAX_COUNT
from lms.scim.views import (
    _base,
    _body,
    _commit,
    _int_arg,
    _json,
    bp,
    check_if_match,
    resource_response,
    wanted_attributes,
)


@bp.get("/Groups")
def list_groups() -> ResponseReturnValue:
    return _groups_page(
        request.args.get("filter"),
        _int_arg("startIndex", 1),
        _int_arg("count", MAX_COUNT),
        wanted_attributes(Group),
    )


@bp.post("/Groups/.search")
def search_groups() -> ResponseReturnValue:
    """RFC 7644 §3.4.3: the query in a body instead of the URL."""
    search = SearchRequest.model_validate(_body(), scim_ctx=Context.SEARCH_REQUEST)
    wanted = ResponseParameters[Group].model_validate(
        {"attributes": search.attributes, "excludedAttributes": search.excluded_attributes}
    )
    filter_text = str(search.filter) if search.filter is not None else None
    count = MAX_COUNT if search.count is None else search.count
    return _groups_page(filter_text, search.start_index or 1, count, wanted)


def _groups_page(
    filter_text: str | None, start: int, count: int, wanted: ResponseParameters[Group] | None
) -> ResponseReturnValue:
    session = db_session()
    page = groups.list_groups(session, filter_text, start, count)
    resources = _groups(session, page.groups)
    listing = ListResponse[Group](
        total_results=page.total,
        start_index=max(start, 1),
        items_per_page=len(resources),
        resources=resources,
    )
    return _json(listing.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=wanted))


@bp.post("/Groups")
def create_group() -> ResponseReturnValue:
    group = Group.model_validate(_body(), scim_ctx=Context.RESOURCE_CREATION_REQUEST)
    session = db_session()
    saved = groups.create_group(session, group, token_name=g.scim_token[1])
    return _saved(session, saved, set(), 201)


@bp.get("/Groups/<scim_id>")
def group(scim_id: str) -> ResponseReturnValue:
    session = db_session()
    found = _groups(session, [groups.get_group(session, scim_id)])[0]
    if request.headers.get("If-None-Match") == found.meta.version:
        return Response(status=304, headers={"ETag": found.meta.version})
    return resource_response(found, Group)


@bp.put("/Groups/<scim_id>")
def replace_group(scim_id: str) -> ResponseReturnValue:
    session = db_session()
    saved = _matching(session, scim_id)
    before = member_ids(session, saved.id)
    group = Group.model_validate(_body(), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
    groups.replace_group(session, saved, group, token_name=g.scim_token[1])
    return _saved(session, saved, before)


@bp.patch("/Groups/<scim_id>")
def patch_group(scim_id: str) -> ResponseReturnValue:
    session = db_session()
    saved = _matching(session, scim_id)
    before = member_ids(session, saved.id)
    body = groups.with_group_quirks(_body())
    patch = PatchOp[Group].model_validate(body, scim_ctx=Context.RESOURCE_PATCH_REQUEST)
    current = _groups(session, [saved])[0]
    groups.patch_group(session, saved, current, patch, token_name=g.scim_token[1])
    return _saved(session, saved, before)


@bp.delete("/Groups/<scim_id>")
def delete_group(scim_id: str) -> ResponseReturnValue:
    session = db_session()
    saved = _matching(session, scim_id)
    before = member_ids(session, saved.id)
    groups.delete_group(session, saved, token_name=g.scim_token[1])
    _commit(session, joined_or_left(before, set()))
    return Response(status=204)


def _matching(session: Session, scim_id: str) -> DirectoryGroup:
    """The group, if the request's If-Match (when given) is its current version."""
    saved = groups.get_group(session, scim_id)
    check_if_match(lambda: _groups(session, [saved])[0], "group")
    return saved


def _saved(
    session: Session, saved: DirectoryGroup, before: set[int], status: int = 200
) -> ResponseReturnValue:
    _commit(session, joined_or_left(before, member_ids(session, saved.id)))
    session.refresh(saved)
    return resource_response(_groups(session, [saved])[0], Group, status)


def _groups(session: Session, found: list[DirectoryGroup]) -> list[Group]:
    base = _base()
    return groups.as_groups(session, found, f"{base}/Groups", f"{base}/Users")
