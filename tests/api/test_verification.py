"""GET /api/v1/certificates/{code}/verification: anyone shown a certificate can check it,
without a token, and learns only whose it is, for which course and whether it counts."""

from __future__ import annotations

from datetime import timedelta

from lms import clock
from tests.api.calls import assert_problem
from tests.api.records import certify

ESSENTIALS = "social-media-essentials"


def test_a_genuine_certificate_without_a_token(client, db, org, shipped_courses, enrol):
    code = certify(db, enrol(org["staff"], shipped_courses[ESSENTIALS]), recertify_months=12)
    response = client.get(f"/api/v1/certificates/{code}/verification")
    assert response.status_code == 200
    assert response.get_json() == {
        "valid": True,
        "expired": False,
        "name": "Sia Staff",
        "course_title": shipped_courses[ESSENTIALS].title,
        "completed_at": "2026-03-02T09:00:00+00:00",
        "issued_at": "2026-03-02T09:00:00+00:00",
        "valid_until": "2027-03-02T09:00:00+00:00",
    }  # no address, HRIS id or score: the name alone says whose it is
    clock.advance(timedelta(days=366))
    expired = client.get(f"/api/v1/certificates/{code}/verification").get_json()
    assert expired["valid"] is False and expired["expired"] is True


def test_an_unknown_code_is_a_404_problem(client):
    for code in ("no-such-code", "x" * 41, "not%20a%20code"):
        response = client.get(f"/api/v1/certificates/{code}/verification")
        assert_problem(response, 404, "No certificate has that code")


def test_an_unchanged_verification_answers_304(client, db, org, shipped_courses, enrol):
    path = f"/api/v1/certificates/{certify(db, enrol(org['staff'], shipped_courses[ESSENTIALS]))}"
    etag = client.get(f"{path}/verification").headers["ETag"]
    again = client.get(f"{path}/verification", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


def test_checks_are_rate_limited_per_address(make_app, db, org, shipped_courses, enrol):
    code = certify(db, enrol(org["staff"], shipped_courses[ESSENTIALS]))
    client = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute").test_client()
    answers = [client.get(f"/api/v1/certificates/{code}/verification") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert_problem(answers[-1], 429)


def test_the_contract_says_no_token_is_needed(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    path = spec["paths"]["/api/v1/certificates/{code}/verification"]
    assert path["get"]["security"] == []
    (code,) = path["parameters"]
    assert code["schema"]["pattern"] == "^[A-Za-z0-9_-]{1,40}$"
    page = client.get("/api/v1/docs").text
    section = page.split("GET /api/v1/certificates/{code}/verification", 1)[1].split("<h2>")[0]
    assert "No token needed" in section
