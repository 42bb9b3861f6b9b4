"""POST /api/v1/people and PATCH /api/v1/people/{id} (write:people): one person at a time,
through the HRIS import's checks, by a client that sees everyone."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app

from lms.access import api_scope
from lms.api.auth import require_writer, token
from lms.api.blueprint import bp
from lms.api.idempotency import HEADER_PARAMETER, idempotent
from lms.api.people_feed import person
from lms.api.people_writes import PersonInputError, change_person, create_person
from lms.api.problems import problem
from lms.api.schemas import NewPersonSchema, PersonChangeSchema, PersonSchema
from lms.api.scopes import WRITE_PEOPLE
from lms.dbsession import db_session
from lms.people.hooks import run_after_people_import
from lms.people.org import person_and_line

_PERSON = PersonSchema()
_SECURITY = [{"oauth2": [WRITE_PEOPLE]}]
_LOCATION = {"Location": {"description": "the person's address", "schema": {"type": "string"}}}
_IN_FLIGHT = "The Idempotency-Key's first call is still being handled"


@bp.post("/people")
@require_writer(WRITE_PEOPLE)
@idempotent
@bp.arguments(NewPersonSchema)
@bp.response(201, PersonSchema, headers=_LOCATION)
@bp.alt_response(409, description=_IN_FLIGHT)
@bp.doc(security=_SECURITY, parameters=[HEADER_PARAMETER])
def add_person(data: dict[str, Any]) -> Response:
    """Add one person, checked as an HRIS import checks them (422 names the field)."""
    session = db_session()
    try:
        person_id = create_person(session, data, client_name=token().client.name)
    except PersonInputError as error:
        abort(_invalid(error))
    response = _saved(person_id)
    response.status_code = 201
    base = current_app.config["BASE_URL"].rstrip("/")
    response.headers["Location"] = f"{base}/api/v1/people/{person_id}"
    return response


@bp.patch("/people/<int:person_id>")
@require_writer(WRITE_PEOPLE)
@idempotent
@bp.arguments(PersonChangeSchema)
@bp.response(200, PersonSchema)
@bp.alt_response(404, description="Nobody with that id")
@bp.alt_response(409, description=_IN_FLIGHT)
@bp.doc(security=_SECURITY, parameters=[HEADER_PARAMETER])
def update_person(changes: dict[str, Any], person_id: int) -> Response:
    """Change some of a person's fields; the others stay as they are."""
    session = db_session()
    if person(session, api_scope(None), person_id) is None:
        abort(problem(404, "Nobody with that id is in this client's scope."))
    try:
        change_person(session, person_id, changes, client_name=token().client.name)
    except PersonInputError as error:
        abort(_invalid(error))
    return _saved(person_id)


def _saved(person_id: int) -> Response:
    """Commit, after assignment rules pick up the person and their line (as SCIM does)."""
    session = db_session()
    run_after_people_import(current_app, session, person_and_line(person_id))
    session.commit()
    return current_app.json.response(_PERSON.dump(person(session, api_scope(None), person_id)))


def _invalid(error: PersonInputError) -> Response:
    names = ", ".join(error.errors)
    return problem(422, f"Not valid: {names}. See errors for what each needs.", errors=error.errors)
