"""The OpenAPI 3.1 document is the contract: valid, complete, and shown on the docs page."""

from __future__ import annotations

from openapi_spec_validator import validate


def test_the_document_is_valid_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    assert spec["openapi"] == "3.1.0"
    operation = spec["paths"]["/api/v1/completions"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert names == {
        "updated_since",
        "course",
        "status",
        "department",
        "manager",
        "limit",
        "cursor",
    }
    assert operation["security"] == [{"oauth2": ["read:completions"]}]
    person = spec["paths"]["/api/v1/people/{person_id}"]["get"]
    assert person["security"] == [{"oauth2": ["read:people"]}] and "404" in person["responses"]
    flow = spec["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "/api/v1/token"
    # Errors are documented as problem details.
    assert "application/problem+json" in spec["components"]["responses"]["DEFAULT_ERROR"]["content"]


def test_the_docs_page_renders_the_document_without_scripts(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "GET /api/v1/completions" in page.text
    assert "updated_since" in page.text and "read:completions" in page.text
    assert "<script" not in page.text.split("</header>", 1)[-1]
