"""The OpenAPI document is the contract: schemathesis calls the live server with what the
document allows and finds no 5xx, no answer outside the document and no schema violation."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from lms.api.scopes import SCOPES
from tests.api.conftest import get_token
from tests.api.records import acknowledged, certify


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
        "POST /api/v1/people",
        "PATCH /api/v1/people/{person_id}",
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
        "GET /api/v1/webhooks",
        "POST /api/v1/webhooks",
        "DELETE /api/v1/webhooks/{subscription_id}",
    }
    headers = {"Authorization": f"Bearer {access}"}
    for operation in operations:
        _keeps_contract(operation, headers)


def _keeps_contract(operation: schemathesis.APIOperation, headers: dict[str, str]) -> None:
    """Call one operation with what the document allows, checking every answer.

    A write may refuse data the schema allows: the document cannot say which URLs are
    public, which courses and departments exist, which addresses are taken or who manages
    whom, so a 422 (with its problem body, checked like any answer) is in the contract
    there. Reads must accept whatever the document allows.
    """
    excluded = [] if operation.method.upper() == "GET" else [positive_data_acceptance]

    @given(case=operation.as_strategy())
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    def keeps_contract(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    keeps_contract()
