"""/api/v1/assignment-rules: read, add and remove the rules that assign courses.

Writes go through the same services as HR's rules page and run the sync in the same
transaction, so the people a new rule covers are enrolled when the answer comes back.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, json, url_for

from lms.access import api_scope
from lms.api.auth import require_scope, require_writer, token
from lms.api.blueprint import bp, json_with_etag, next_link
from lms.api.idempotency import HEADER_PARAMETER, idempotent
from lms.api.people_feed import MAX_ID
from lms.api.problems import problem
from lms.api.rule_feed import one_rule, rules_page
from lms.api.rule_schemas import (
    AUDIENCE_FIELDS,
    NewRuleSchema,
    RulePageSchema,
    RuleQuery,
    RuleSchema,
)
from lms.api.scopes import READ_ASSIGNMENTS, WRITE_ASSIGNMENTS
from lms.assignments.services import (
    RuleNotFound,
    RuleRejected,
    RuleSpec,
    create_rule,
    remove_rule,
)
from lms.assignments.sync import sync_assignments
from lms.dbsession import db_session

_PAGE = RulePageSchema()
_RULE = RuleSchema()
_NOT_MODIFIED = "Not modified (If-None-Match matched the ETag)"
_NO_RULE = "There is no assignment rule with that id (or it was removed)."


@bp.get("/assignment-rules")
@bp.arguments(RuleQuery, location="query", as_kwargs=True)
@bp.response(200, RulePageSchema)
@bp.alt_response(304, description=_NOT_MODIFIED)
@bp.doc(security=[{"oauth2": [READ_ASSIGNMENTS]}])
@require_scope(READ_ASSIGNMENTS)
def assignment_rules(limit: int, **query: Any) -> Response:
    """Active assignment rules, oldest first, a page at a time.

    Every client with the scope reads every rule (they apply company-wide); a manager-scoped
    client sees only the people in its line among the managers and people rules name.
    """
    scope = api_scope(token().client.manager_id)
    rows, more = rules_page(db_session(), scope, query.get("cursor", 0), limit)
    link = next_link(rows[-1].id) if more else None
    return json_with_etag(_PAGE.dump({"data": rows, "next": link}))


@bp.get("/assignment-rules/<int:rule_id>")
@bp.response(200, RuleSchema)
@bp.alt_response(304, description=_NOT_MODIFIED)
@bp.alt_response(404, description="No active rule with that id")
@bp.doc(security=[{"oauth2": [READ_ASSIGNMENTS]}])
@require_scope(READ_ASSIGNMENTS)
def assignment_rule(rule_id: int) -> Response:
    """One active rule; a removed rule answers 404."""
    found = one_rule(db_session(), api_scope(token().client.manager_id), rule_id)
    if found is None:
        abort(problem(404, _NO_RULE))
    return json_with_etag(_RULE.dump(found))


@bp.post("/assignment-rules")
@require_writer(WRITE_ASSIGNMENTS)
@idempotent
@bp.arguments(NewRuleSchema, location="json")
@bp.response(201, RuleSchema, description="Saved; the people it covers are enrolled")
@bp.alt_response(403, description="The client lacks the scope, or sees only a manager's line")
@bp.alt_response(409, description="The Idempotency-Key's first call is still being handled")
@bp.doc(security=[{"oauth2": [WRITE_ASSIGNMENTS]}], parameters=[HEADER_PARAMETER])
def add_assignment_rule(new: dict[str, Any]) -> Response:
    """Add a rule, checked as HR's page checks one, and assign its course at once.

    Only a client that sees everyone may (a manager-scoped client gets 403). Anything wrong
    answers 422 naming each field at fault, and nothing is saved.
    """
    session = db_session()
    try:
        rule = create_rule(session, _spec(new), actor_id=None, via=_via())
    except RuleRejected as rejected:
        abort(_rejected(rejected, new["audience"]))
    sync_assignments(session)
    session.commit()
    saved = one_rule(session, api_scope(None), rule.id)
    response = Response(json.dumps(_RULE.dump(saved)), status=201, mimetype="application/json")
    response.headers["Location"] = url_for("api.assignment_rule", rule_id=rule.id)
    return response


@bp.delete("/assignment-rules/<int:rule_id>")
@require_writer(WRITE_ASSIGNMENTS)
@bp.response(204, description="Removed; open enrollments no other rule covers are withdrawn")
@bp.alt_response(403, description="The client lacks the scope, or sees only a manager's line")
@bp.alt_response(404, description="No active rule with that id")
@bp.doc(security=[{"oauth2": [WRITE_ASSIGNMENTS]}])
def remove_assignment_rule(rule_id: int) -> Response:
    """Stop a rule as HR's page does: completions stay on record, open enrollments that no
    other rule covers are withdrawn (progress kept)."""
    session = db_session()
    try:
        if rule_id > MAX_ID:  # any integer may come in the URL; no rule has a bigger id
            raise RuleNotFound(rule_id)
        remove_rule(session, rule_id, actor_id=None, via=_via())
    except RuleNotFound:
        abort(problem(404, _NO_RULE))
    sync_assignments(session)
    session.commit()
    return Response(status=204)


def _via() -> str:
    """Who acted, for the audit log: the API client, by name (no person did)."""
    return f"API client {token().client.name!r}"


def _spec(new: dict[str, Any]) -> RuleSpec:
    """The request's fields as the spec HR's form and the command line build too."""
    audience = new["audience"]
    named = audience in ("departments", "locations", "groups")
    return RuleSpec(
        course_slug=new["course"],
        audience=audience,
        audience_values=tuple(new[audience]) if named else (),
        manager_email=new.get("manager"),
        people_emails=tuple(new["people"]),
        due_days=new["due_days"],
        recertify_months=new["recertify_months"],
    )


def _rejected(rejected: RuleRejected, audience: str) -> Response:
    """The service's reasons as a 422 problem, each under the request's field name."""
    errors = {
        (AUDIENCE_FIELDS.get(audience, "audience") if key == "audience_values" else key): [reason]
        for key, reason in rejected.reasons.items()
    }
    names = ", ".join(sorted(errors))
    return problem(422, f"Not saved: {names}. See errors for what each needs.", errors=errors)
