"""Creating people at their first SAML sign-in (LMS_SSO_CREATE_PEOPLE), with responses signed
by the real pysaml2 IdP on loopback: names as Entra ID, Okta and Google send them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.assignments.services import RuleSpec, create_rule
from lms.audit.models import AuditEvent
from lms.courses.models import CourseVersion
from lms.learning.models import Enrollment
from lms.people.models import Employee
from tests.sso.saml_idp import LoopbackIdP

BASE = "http://postwise.test"
ACS = f"{BASE}/sso/saml/acs"
AUDIENCE = f"{BASE}/sso/saml/metadata"
ENTRA = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"
ESSENTIALS = "social-media-essentials"


@pytest.fixture
def creating(make_app: Callable[..., Flask], app: Flask) -> Callable[..., FlaskClient]:
    """A client of the app with SAML on (the IdP trusts it) and creation on for example.com."""

    def make(**overrides: object) -> FlaskClient:
        saml = {key: app.config[key] for key in app.config if key.startswith("SAML_")}
        settings = {"SSO_CREATE_PEOPLE": True, "SSO_CREATE_DOMAINS": "example.com"}
        return make_app(**{**saml, **settings, **overrides}).test_client()

    return make


def _sign_in(client: FlaskClient, idp: LoopbackIdP, login: str):
    response = idp.response(login, acs_url=ACS, audience=AUDIENCE)
    return client.post("/sso/saml/acs", data={"SAMLResponse": response})


def _people(db: Session) -> list[Employee]:
    db.rollback()  # see what the app committed
    return list(db.scalars(select(Employee)))


@pytest.mark.parametrize(
    "names",
    [
        {f"{ENTRA}givenname": "Nia", f"{ENTRA}surname": "Newcomer"},
        {"firstName": "Nia", "lastName": "Newcomer"},  # Okta's and Google's usual mapping
        {"givenName": "Nia", "sn": "Newcomer"},  # LDAP names (urn:oid:2.5.4.42 and .4)
    ],
    ids=["Entra ID", "Okta or Google", "LDAP"],
)
def test_a_new_person_is_created_and_gets_their_courses(
    creating: Callable[..., FlaskClient],
    saml_idp: LoopbackIdP,
    db: Session,
    shipped_courses: dict[str, CourseVersion],
    names: dict[str, str],
) -> None:
    create_rule(db, RuleSpec(ESSENTIALS, "everyone", due_days=30), actor_id=None)
    db.commit()
    saml_idp.users["nia"] = {"email": "Nia@Example.com", **names}
    client = creating()
    response = _sign_in(client, saml_idp, "nia")
    assert response.status_code == 302 and response.location == "/"
    [nia] = _people(db)
    assert (nia.email, nia.first_name, nia.last_name) == ("nia@example.com", "Nia", "Newcomer")
    assert nia.hris_id.startswith("sso-") and nia.is_active
    enrolled = db.scalars(select(Enrollment.course_id).where(Enrollment.employee_id == nia.id))
    assert enrolled.all() == [shipped_courses[ESSENTIALS].course_id]
    assert "Social media essentials" in client.get("/").get_data(as_text=True)
    target = db.scalars(
        select(AuditEvent.target).where(AuditEvent.action == "person.created_at_sign_in")
    ).one()
    assert target.endswith("at first sign-in (SAML)")


def test_the_employee_id_attribute_and_custom_name_attributes_are_used(
    creating: Callable[..., FlaskClient], saml_idp: LoopbackIdP, db: Session
) -> None:
    saml_idp.users["nia"] = {
        "email": "nia@example.com",
        "employeeNumber": "E-NIA",
        "displayName": "Nia",  # a name attribute the settings point at, not a default one
        "title": "Newcomer",
    }
    client = creating(
        SAML_EMPLOYEE_ID_ATTRIBUTE="employeeNumber",
        SAML_FIRST_NAME_ATTRIBUTE="displayName",
        SAML_LAST_NAME_ATTRIBUTE="title",
    )
    assert _sign_in(client, saml_idp, "nia").status_code == 302
    [nia] = _people(db)
    assert (nia.hris_id, nia.first_name, nia.last_name) == ("E-NIA", "Nia", "Newcomer")


@pytest.mark.parametrize(
    ("attributes", "says"),
    [
        (
            {"email": "olga@elsewhere.example", "givenName": "Olga", "sn": "Outside"},
            "only for your company&#39;s own email addresses",
        ),
        ({"email": "nia@example.com"}, "did not say your first and last name"),
    ],
    ids=["domain not allowed", "no names"],
)
def test_no_one_is_created_when_the_identity_does_not_qualify(
    creating: Callable[..., FlaskClient],
    saml_idp: LoopbackIdP,
    db: Session,
    attributes: dict[str, str],
    says: str,
    caplog,
) -> None:
    saml_idp.users["someone"] = attributes
    client = creating()
    with caplog.at_level("WARNING", logger="lms.security"):
        response = _sign_in(client, saml_idp, "someone")
    assert response.status_code == 403
    assert says in response.get_data(as_text=True)
    assert "SAML sign-in refused: not created" in caplog.text
    assert _people(db) == [] and client.get("/").status_code == 302
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_an_inactive_person_is_refused_and_stays_inactive(
    creating: Callable[..., FlaskClient],
    saml_idp: LoopbackIdP,
    db: Session,
    make_employee: Callable[..., Employee],
) -> None:
    make_employee(email="nia@example.com", is_active=False)
    saml_idp.users["nia"] = {"email": "nia@example.com", "givenName": "Nia", "sn": "Newcomer"}
    client = creating()
    response = _sign_in(client, saml_idp, "nia")
    assert response.status_code == 403
    assert "no active person" in response.get_data(as_text=True)
    [stored] = _people(db)
    assert not stored.is_active


def test_with_creation_off_an_unknown_person_is_refused(
    client: FlaskClient, saml_idp: LoopbackIdP, db: Session
) -> None:
    saml_idp.users["nia"] = {"email": "nia@example.com", "givenName": "Nia", "sn": "Newcomer"}
    response = _sign_in(client, saml_idp, "nia")
    assert response.status_code == 403
    assert "no active person" in response.get_data(as_text=True)
    assert _people(db) == []
