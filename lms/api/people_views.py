"""GET /api/v1/people and /api/v1/people/{id}: the people in the client's scope."""

from __future__ import annotations

from typing import Any

from flask import Response, abort

from lms.access import api_scope
from lms.api.auth import require_scope, token
from lms.api.blueprint import bp, json_with_etag, next_link
from lms.api.people_feed import people_page, person
from lms.api.problems import problem
from lms.api.schemas import PeoplePageSchema, PeopleQuery, PersonSchema
from lms.api.scopes import READ_PEOPLE
from lms.dbsession import db_session

_PAGE = PeoplePageSchema()
_PERSON = PersonSchema()
_NOT_MODIFIED = "Not modified (If-None-Match matched the ETag)"


@bp.get("/people")
@bp.arguments(PeopleQuery, location="query", as_kwargs=True)
@bp.response(200, PeoplePageSchema)
@bp.alt_response(304, description=_NOT_MODIFIED)
@bp.doc(security=[{"oauth2": [READ_PEOPLE]}])
@require_scope(READ_PEOPLE)
def people(limit: int, **query: Any) -> Response:
    """People in a stable order, a page at a time; leavers too (active is false).

    A manager-scoped client sees only its manager's reporting line.
    """
    after = query.get("cursor", 0)
    rows, more = people_page(
        db_session(),
        api_scope(token().client.manager_id),
        after,
        limit,
        updated_since=query.get("updated_since"),
        department=query.get("department", ""),
    )
    link = next_link(rows[-1].id) if more else None
    return json_with_etag(_PAGE.dump({"data": rows, "next": link}))


@bp.get("/people/<int:person_id>")
@bp.response(200, PersonSchema)
@bp.alt_response(304, description=_NOT_MODIFIED)
@bp.alt_response(404, description="Nobody with that id in this client's scope")
@bp.doc(security=[{"oauth2": [READ_PEOPLE]}])
@require_scope(READ_PEOPLE)
def one_person(person_id: int) -> Response:
    """One person; anyone outside the client's scope does not exist for it (404)."""
    found = person(db_session(), api_scope(token().client.manager_id), person_id)
    if found is None:
        abort(problem(404, "Nobody with that id is in this client's scope."))
    return json_with_etag(_PERSON.dump(found))
