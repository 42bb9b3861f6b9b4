"""SAML sign-in against a real IdP (pysaml2's) on loopback: what is accepted and what not."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.people.models import Employee
from lms.sso.models import SamlAssertionSeen
from lms.sso.saml import SamlConfigError
from tests.helpers import sign_in
from tests.sso.saml_idp import LoopbackIdP

BASE = "http://postwise.test"
ACS = f"{BASE}/sso/saml/acs"
AUDIENCE = f"{BASE}/sso/saml/metadata"


@pytest.fixture
def person(make_employee: Callable[..., Employee], saml_idp: LoopbackIdP) -> Employee:
    employee = make_employee(email="ada@example.com", hris_id="E100")
    saml_idp.users["ada"] = {"email": "Ada@Example.com", "employeeNumber": "E100"}
    return employee


def _post(client: FlaskClient, saml_response: str):
    return client.post("/sso/saml/acs", data={"SAMLResponse": saml_response})


def _signed_in(client: FlaskClient) -> bool:
    return client.get("/").status_code == 200


def test_metadata_names_the_acs_and_holds_no_private_key(client: FlaskClient):
    response = client.get("/sso/saml/metadata")
    xml = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.content_type == "application/samlmetadata+xml"
    assert f'entityID="{AUDIENCE}"' in xml
    assert f'Location="{ACS}"' in xml
    assert 'WantAssertionsSigned="true"' in xml
    assert "PRIVATE KEY" not in xml


def test_a_signed_response_signs_the_person_in(
    client: FlaskClient, saml_idp: LoopbackIdP, person: Employee, caplog
):
    with caplog.at_level("INFO", logger="lms.security"):
        response = _post(client, saml_idp.response("ada", acs_url=ACS, audience=AUDIENCE))
    assert response.status_code == 302 and response.location == "/"
    assert _signed_in(client)
    assert f"SAML sign-in for employee {person.id}" in caplog.text
    assert "SAMLResponse" not in caplog.text and "Assertion" not in caplog.text


def test_the_login_link_sends_the_browser_to_the_idp(client: FlaskClient, saml_idp: LoopbackIdP):
    assert "Sign in with your company account" in client.get("/sign-in").get_data(as_text=True)
    response = client.get("/sso/saml/login")
    assert response.status_code == 302
    assert response.location.startswith(f"{saml_idp.url}/sso?SAMLRequest=")


@pytest.mark.parametrize(
    ("arguments", "why"),
    [
        ({"signed": False}, "Signature missing for assertion"),
        ({"lifetime_minutes": -10}, "VerificationError: Condition not OK"),  # NotOnOrAfter past
        ({"audience": "https://someone-else.example/sp"}, "AudienceRestrictions"),
        ({"acs_url": "https://someone-else.example/acs"}, "wrong destination"),
    ],
    ids=["unsigned", "expired", "wrong audience", "wrong recipient"],
)
def test_a_bad_response_signs_nobody_in(
    client: FlaskClient,
    saml_idp: LoopbackIdP,
    person: Employee,
    db: Session,
    arguments,
    why,
    caplog,
):
    saml_response = saml_idp.response("ada", **{"acs_url": ACS, "audience": AUDIENCE, **arguments})
    with caplog.at_level("WARNING", logger="lms.security"):
        response = _post(client, saml_response)
    assert response.status_code == 403
    assert "cannot accept" in response.get_data(as_text=True)
    assert not _signed_in(client)
    assert "SAML sign-in refused: response refused" in caplog.text and why in caplog.text
    assert db.scalars(select(SamlAssertionSeen)).all() == []


def test_a_replayed_response_is_refused(
    app: Flask, saml_idp: LoopbackIdP, person: Employee, db: Session
):
    saml_response = saml_idp.response("ada", acs_url=ACS, audience=AUDIENCE)
    assert _post(app.test_client(), saml_response).status_code == 302
    again = app.test_client()  # another browser (an attacker) posting the captured response
    response = _post(again, saml_response)
    assert response.status_code == 403
    assert "already used" in response.get_data(as_text=True)
    assert not _signed_in(again)
    assert len(db.scalars(select(SamlAssertionSeen)).all()) == 1


@pytest.mark.parametrize("active", [False, None])
def test_an_unknown_or_inactive_person_is_refused(
    client: FlaskClient, saml_idp: LoopbackIdP, person: Employee, db: Session, active
):
    if active is None:
        saml_idp.users["ada"]["email"] = "nobody@example.com"
    else:
        person.is_active = False
        db.commit()
    response = _post(client, saml_idp.response("ada", acs_url=ACS, audience=AUDIENCE))
    assert response.status_code == 403
    assert "no active person" in response.get_data(as_text=True)
    assert not _signed_in(client)


def test_matching_by_employee_id_from_an_attribute(
    make_app: Callable[..., Flask], app: Flask, saml_idp: LoopbackIdP, person: Employee, db: Session
):
    person.email = "changed@example.com"  # only the HRIS id still matches
    db.commit()
    config = {key: app.config[key] for key in app.config if key.startswith("SAML_")}
    config.update(SAML_MATCH="employee_id", SAML_EMPLOYEE_ID_ATTRIBUTE="employeeNumber")
    matching = make_app(**config)
    client = matching.test_client()
    assert (
        _post(client, saml_idp.response("ada", acs_url=ACS, audience=AUDIENCE)).status_code == 302
    )
    assert _signed_in(client)


def test_without_idp_metadata_the_saml_pages_do_not_exist(make_app: Callable[..., Flask]):
    client = make_app(SAML_IDP_METADATA_FILE="").test_client()
    assert client.get("/sso/saml/metadata").status_code == 404
    assert client.post("/sso/saml/acs", data={"SAMLResponse": "x"}).status_code == 404
    assert "company account" not in client.get("/sign-in").get_data(as_text=True)


@pytest.mark.parametrize("role", ["anonymous", "employee"])
def test_with_saml_on_the_pages_answer_anyone(
    client: FlaskClient, org: dict[str, Employee], role: str
):
    """The access table's rows with SAML on (it runs with SAML off): the metadata and the
    login start are public; a forged post to the ACS changes nothing and is refused."""
    if role == "employee":
        assert sign_in(client, org["staff"].email).status_code == 302
    assert client.get("/sso/saml/metadata").status_code == 200
    assert client.get("/sso/saml/login").status_code == 302
    assert _post(client, "not a SAML response").status_code == 403
    assert client.post("/sso/saml/acs").status_code == 403
    assert _signed_in(client) is (role == "employee")


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"SAML_SP_KEY_FILE": ""}, "LMS_SAML_SP_KEY_FILE"),
        ({"SAML_MATCH": "username"}, "LMS_SAML_MATCH is 'username'"),
        ({"SAML_MATCH": "employee_id"}, "LMS_SAML_EMPLOYEE_ID_ATTRIBUTE"),
        ({"SAML_IDP_METADATA_FILE": "/nonexistent/idp.xml"}, "/nonexistent/idp.xml"),
    ],
)
def test_unworkable_settings_stop_the_app_with_the_setting_named(
    make_app: Callable[..., Flask], app: Flask, overrides, named
):
    config = {key: app.config[key] for key in app.config if key.startswith("SAML_")}
    with pytest.raises(SamlConfigError, match=re.escape(named)):
        make_app(**{**config, **overrides})
