"""GET /api/v1/attestations, /certificates and /certificates/{code}: learning records in the
client's scope, filtered and paged; records outside the scope do not exist."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms import clock
from tests.api.calls import assert_problem, caller, walk
from tests.api.records import acknowledged, certify

ESSENTIALS = "social-media-essentials"
GUIDELINE = "social-media-guideline"


@pytest.fixture
def records(db, org, shipped_courses, enrol):
    """Everyone acknowledged the guideline and holds a certificate of the essentials course,
    a day apart, in the org's order; by name: (attestation id, certificate code)."""
    made = {}
    for name, person in org.items():
        attestation = acknowledged(db, person.id, shipped_courses[GUIDELINE])
        made[name] = (attestation, certify(db, enrol(person, shipped_courses[ESSENTIALS])))
        clock.advance(timedelta(days=1))
    return made


@pytest.fixture
def call(app, make_client):
    return caller(app, make_client(scopes=["read:completions"]))


def test_attestations_are_paged_in_id_order(call, records, org):
    rows = walk(call, "/attestations?limit=4")
    assert [row["id"] for row in rows] == [ids for ids, _ in records.values()]
    first = rows[0]
    assert first == {
        "id": records["hr"][0],
        "employee_id": org["hr"].hris_id,
        "email": org["hr"].email,
        "name": "Hana Rao",
        "course": GUIDELINE,
        "version": 1,
        "acknowledged_at": "2026-03-02T09:00:00+00:00",
    }  # and not the address it was given from


def test_certificates_are_paged_in_id_order(call, records, org):
    rows = walk(call, "/certificates?limit=5")
    assert [row["code"] for row in rows] == [code for _, code in records.values()]
    first = rows[0]
    assert first["email"] == org["hr"].email and first["course"] == ESSENTIALS
    assert first["score"] == 90 and first["version"] == 1
    assert first["issued_at"] == first["completed_at"] == "2026-03-02T09:00:00+00:00"
    assert first["valid_until"] is None and first["expired"] is False


@pytest.mark.parametrize("path", ["/attestations", "/certificates"])
def test_filters(call, records, org, path):
    assert len(walk(call, f"{path}?updated_since=2026-03-05T09:00:00%2B00:00")) == 3
    assert [row["email"] for row in walk(call, f"{path}?email={org['lead'].email}")] == [
        org["lead"].email
    ]
    assert walk(call, f"{path}?course=no-such-course") == []


def test_one_certificate_and_unknown_codes(call, records, org):
    code = records["staff"][1]
    assert call(f"/certificates/{code}").get_json()["email"] == org["staff"].email
    assert_problem(call("/certificates/no-such-code"), 404, "No certificate")
    assert_problem(call("/certificates/not%20a%20code"), 404)


def test_a_certificate_past_its_date_has_expired(call, db, org, enrol, shipped_courses):
    code = certify(db, enrol(org["staff"], shipped_courses[ESSENTIALS]), recertify_months=12)
    body = call(f"/certificates/{code}").get_json()
    assert body["valid_until"] == "2027-03-02T09:00:00+00:00" and body["expired"] is False
    clock.advance(timedelta(days=366))
    assert call(f"/certificates/{code}").get_json()["expired"] is True


def test_a_manager_scoped_client_sees_only_that_line(app, make_client, records, org):
    team = caller(app, make_client(scopes=["read:completions"], manager=org["lead"].email))
    line = {org["staff"].email, org["staff2"].email}
    assert {row["email"] for row in walk(team, "/attestations")} == line
    assert {row["email"] for row in walk(team, "/certificates")} == line
    assert team(f"/certificates/{records['staff2'][1]}").status_code == 200
    # Outside the line a certificate does not exist: 404, as for a code never issued.
    for outside in ("lead", "senior", "outsider", "hr"):
        assert_problem(team(f"/certificates/{records[outside][1]}"), 404)
    assert walk(team, f"/attestations?email={org['outsider'].email}") == []


@pytest.mark.parametrize("path", ["/attestations", "/certificates", "/certificates/any-code"])
def test_records_need_read_completions(app, make_client, path):
    without = caller(app, make_client(scopes=["read:people"]))
    assert_problem(without(path), 403, "read:completions")


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("updated_since=last-week", "updated_since"),
        ("email=not-an-address", "email"),
        ("course=a%00b", "course"),
        ("limit=501", "limit"),
        ("cursor=c80000000", "cursor"),
    ],
)
@pytest.mark.parametrize("path", ["/attestations", "/certificates"])
def test_a_bad_parameter_is_a_problem_that_names_it(call, path, query, name):
    body = assert_problem(call(f"{path}?{query}"), 422, name)
    assert list(body["errors"]) == [name]


def _unchanged(call, path: str) -> str:
    """The answer's ETag, after checking that sending it back gets a bodiless 304."""
    etag = call(path).headers["ETag"]
    again = call(path, If_None_Match=etag)
    assert again.status_code == 304 and again.data == b""
    return etag


def test_the_lists_answer_304_until_a_record_is_added(
    call, records, db, make_employee, shipped_courses, enrol
):
    attestations = _unchanged(call, "/attestations")
    certificates = _unchanged(call, "/certificates")
    newcomer = make_employee()
    acknowledged(db, newcomer.id, shipped_courses[GUIDELINE])
    assert call("/attestations", If_None_Match=attestations).status_code == 200
    assert call("/certificates", If_None_Match=certificates).status_code == 304
    certify(db, enrol(newcomer, shipped_courses[ESSENTIALS]))
    assert call("/certificates", If_None_Match=certificates).status_code == 200


def test_a_certificate_answers_304_until_it_expires(call, db, org, shipped_courses, enrol):
    code = certify(db, enrol(org["staff"], shipped_courses[ESSENTIALS]), recertify_months=12)
    etag = _unchanged(call, f"/certificates/{code}")
    clock.advance(timedelta(days=366))
    assert call(f"/certificates/{code}", If_None_Match=etag).status_code == 200
