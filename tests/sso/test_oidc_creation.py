"""Creating people at their first OpenID Connect sign-in (LMS_SSO_CREATE_PEOPLE), against
the real provider on loopback: who is created, with what, and who never is."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms import clock
from lms.assignments.services import RuleSpec, create_rule
from lms.audit.models import AuditEvent
from lms.courses.models import CourseVersion
from lms.learning.models import Enrollment
from lms.people.models import Employee
from tests.sso.oidc_provider import OidcProvider, callback_path, oidc_provider

__all__ = ["oidc_provider"]
ESSENTIALS = "social-media-essentials"
CREATING = {"SSO_CREATE_PEOPLE": True, "SSO_CREATE_DOMAINS": "example.com"}


@pytest.fixture(autouse=True)
def real_time() -> Iterator[None]:
    """The provider stamps tokens with the real time, so the app's clock starts there too."""
    clock.freeze(datetime.now(UTC))
    yield


@pytest.fixture
def sso_client(
    make_app: Callable[..., Flask], oidc_provider: OidcProvider
) -> Callable[..., FlaskClient]:
    def make(**overrides: Any) -> FlaskClient:
        return make_app(**oidc_provider.app_settings(**overrides)).test_client()

    return make


@pytest.fixture
def everyone_gets_essentials(db: Session, shipped_courses: dict[str, CourseVersion]) -> None:
    create_rule(db, RuleSpec(ESSENTIALS, "everyone", due_days=30), actor_id=None)
    db.commit()


def _people(db: Session) -> int:
    db.rollback()  # see what the app committed
    return db.scalar(select(func.count()).select_from(Employee)) or 0


def _signed_in_as(client: FlaskClient) -> str | None:
    with client.session_transaction() as session:
        return session.get("_user_id")


def test_with_creation_off_an_unknown_person_is_refused(
    sso_client: Callable[..., FlaskClient], db: Session
) -> None:
    client = sso_client(SSO_CREATE_DOMAINS="example.com")  # domains alone switch nothing on
    response = client.get(callback_path(client, "newcomer"))
    assert response.status_code == 403
    assert "has no person with your details" in response.get_data(as_text=True)
    assert _people(db) == 0 and _signed_in_as(client) is None


def test_a_new_person_is_created_with_their_names_and_assigned_courses(
    sso_client: Callable[..., FlaskClient],
    db: Session,
    shipped_courses: dict[str, CourseVersion],
    everyone_gets_essentials: None,
) -> None:
    client = sso_client(**CREATING)
    response = client.get(callback_path(client, "newcomer", next_url="/"))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    db.rollback()
    nia = db.scalars(select(Employee)).one()
    assert (nia.email, nia.first_name, nia.last_name) == (
        "nia.newcomer@example.com",
        "Nia",
        "Newcomer",
    )
    assert nia.hris_id == "E-NIA" and nia.is_active and not nia.is_hr_admin
    assert _signed_in_as(client) == f"{nia.id}:{nia.session_version}"
    enrolled = db.scalars(select(Enrollment.course_id).where(Enrollment.employee_id == nia.id))
    assert enrolled.all() == [shipped_courses[ESSENTIALS].course_id]
    my_learning = client.get("/").get_data(as_text=True)
    assert "Hello, Nia" in my_learning and "Social media essentials" in my_learning
    created = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "person.created_at_sign_in")
    ).one()
    assert (
        created.target == "Nia Newcomer <nia.newcomer@example.com> (E-NIA) at first sign-in (OIDC)"
    )

    again = sso_client(**CREATING)  # the next sign-in finds the same person
    assert again.get(callback_path(again, "newcomer")).status_code == 302
    assert _signed_in_as(again) == f"{nia.id}:{nia.session_version}" and _people(db) == 1


def test_a_display_name_is_split_and_an_employee_id_made_up(
    sso_client: Callable[..., FlaskClient], db: Session
) -> None:
    client = sso_client(**CREATING)
    assert client.get(callback_path(client, "display-name")).status_code == 302
    db.rollback()
    ludwig = db.scalars(select(Employee)).one()
    assert (ludwig.first_name, ludwig.last_name) == ("Ludwig", "van Beethoven")
    assert ludwig.hris_id.startswith("sso-") and len(ludwig.hris_id) == 20


@pytest.mark.parametrize(
    ("login", "says"),
    [
        ("elsewhere", "only for your company&#39;s own email addresses"),
        ("unverified", "did not confirm your email address"),
        ("nameless", "did not say your first and last name"),
    ],
    ids=["domain not allowed", "email not verified", "no names"],
)
def test_no_one_is_created_when_the_identity_does_not_qualify(
    sso_client: Callable[..., FlaskClient], db: Session, login: str, says: str, caplog
) -> None:
    client = sso_client(**CREATING)
    with caplog.at_level("WARNING", logger="lms.security"):
        response = client.get(callback_path(client, login))
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert says in page and "Ask your HR admin to add you" in page
    assert "oidc sign-in refused: not created" in caplog.text
    assert _people(db) == 0 and _signed_in_as(client) is None
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_an_inactive_person_is_refused_and_stays_inactive(
    sso_client: Callable[..., FlaskClient], db: Session, make_employee: Callable[..., Employee]
) -> None:
    leaver = make_employee(email="nia.newcomer@example.com", hris_id="E-NIA", is_active=False)
    client = sso_client(**CREATING)
    response = client.get(callback_path(client, "newcomer"))
    assert response.status_code == 403
    assert "switched off" in response.get_data(as_text=True)
    assert _people(db) == 1 and not db.get(Employee, leaver.id).is_active


def test_a_stored_person_with_the_employee_id_is_never_changed(
    sso_client: Callable[..., FlaskClient], db: Session, make_employee: Callable[..., Employee]
) -> None:
    """Matching is by email; the token's employee id belongs to someone with another address:
    creating would have to take it from them (or change their address), so nobody is."""
    stored = make_employee(email="nia.old@example.com", hris_id="E-NIA")
    client = sso_client(**CREATING)
    response = client.get(callback_path(client, "newcomer"))
    assert response.status_code == 403
    assert "already has a person with your employee ID" in response.get_data(as_text=True)
    assert _people(db) == 1 and db.get(Employee, stored.id).email == "nia.old@example.com"


def test_matching_on_employee_id_creates_with_that_id(
    sso_client: Callable[..., FlaskClient], db: Session
) -> None:
    client = sso_client(OIDC_MATCH_CLAIM="employee_id", **CREATING)
    assert client.get(callback_path(client, "newcomer")).status_code == 302
    db.rollback()
    assert db.scalars(select(Employee.hris_id)).all() == ["E-NIA"]
    refused = sso_client(OIDC_MATCH_CLAIM="employee_id", **CREATING)  # no employee_id claim
    response = refused.get(callback_path(refused, "display-name"))
    assert response.status_code == 403
    assert "did not send your employee ID" in response.get_data(as_text=True)
    assert _people(db) == 1
