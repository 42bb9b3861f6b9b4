"""The OpenAPI document is the contract: schemathesis calls the live server with what the
document allows and finds no 5xx, no answer outside the document and no schema violation."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from werkzeug.serving import make_server

from lms.api.scopes import SCOPES
from tests.api.conftest import get_token
from tests.api.records import acknowledged, certify

# Writes whose schema-valid bodies name things that must exist (a course's slug, a
# department): the server rightly answers 422 when they do not, so schemathesis's "valid data
# is accepted" check does not apply to them; every other check does.
NAMES_WHAT_EXISTS = {"POST /api/v1/assignment-rules"}


@pytest.fixture
def live_api(app: Flask) -> Iterator[str]:
    """The app served by werkzeug on a free loopback port; yields its origin."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def access(app, db, make_client, org, shipped_courses, enrol) -> str:
    """A token holding every scope, with people, enrollments, certificates and
    acknowledgements to read."""
    for person in org.values():
        enrollment = enrol(person, shipped_courses["social-media-essentials"])
        certify(db, enrollment, recertify_months=12)
        acknowledged(db, person.id, shipped_courses["social-media-guideline"])
    return get_token(app, make_client(scopes=list(SCOPES))).get_json()["access_token"]


def test_the_live_api_keeps_its_contract(live_api, access):
    schema = schemathesis.openapi.from_url(f"{live_api}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {f"{op.method.upper()} {op.path}" for op in operations} >= {
        "GET /api/v1/completions",
        "GET /api/v1/people",
        "GET /api/v1/people/{person_id}",
        "GET /api/v1/courses",
        "GET /api/v1/courses/{slug}",
        "GET /api/v1/attestations",
        "GET /api/v1/certificates",
        "GET /api/v1/certificates/{code}",
        "GET /api/v1/certificates/{code}/verification",
        "GET /api/v1/audit-events",
        "GET /api/v1/assignment-rules",
        "POST /api/v1/assignment-rules",
        "DELETE /api/v1/assignment-rules/{rule_id}",
    }
    headers = {"Authorization": f"Bearer {access}"}
    for operation in operations:
        _keeps_contract(operation, headers)


def _keeps_contract(operation: schemathesis.APIOperation, headers: dict[str, str]) -> None:
    """Call one operation with what the document allows, checking every answer."""
    label = f"{operation.method.upper()} {operation.path}"
    excluded = [schemathesis.checks.positive_data_acceptance] * (label in NAMES_WHAT_EXISTS)

    @given(case=operation.as_strategy())
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    def keeps_contract(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    keeps_contract()
