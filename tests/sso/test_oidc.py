"""OpenID Connect sign-in against a real provider on loopback (npm oidc-provider)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from lms import clock
from lms.people.models import Employee
from lms.sso.oidc import OidcRefused, OidcSettings, provider_metadata, verify_id_token
from tests.helpers import PASSWORD, csrf_token, sign_in
from tests.sso.oidc_provider import OidcProvider, callback_path, log_in_at_provider, oidc_provider

__all__ = ["oidc_provider"]
BASE = "http://postwise.test"


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


def _callback_url(client: FlaskClient, login: str) -> str:
    return callback_path(client, login)


def test_a_matched_person_signs_in_by_email(
    sso_client: Callable[..., FlaskClient], make_employee: Callable[..., Employee]
) -> None:
    alice = make_employee(email="alice@example.com")
    client = sso_client()
    response = client.get(_callback_url(client, "alice"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/courses/"
    with client.session_transaction() as session:
        assert session["_user_id"] == f"{alice.id}:{alice.session_version}"
        assert "signed_in_at" in session
    assert client.get("/").status_code == 200


def test_matching_on_the_employee_id_claim(
    sso_client: Callable[..., FlaskClient], make_employee: Callable[..., Employee]
) -> None:
    bob = make_employee(email="robert@example.com", hris_id="E-BOB")
    client = sso_client(OIDC_MATCH_CLAIM="employee_id")
    client.get(_callback_url(client, "bob"))
    with client.session_transaction() as session:
        assert session["_user_id"].startswith(f"{bob.id}:")


def test_a_replayed_state_is_refused(
    sso_client: Callable[..., FlaskClient], make_employee: Callable[..., Employee]
) -> None:
    make_employee(email="alice@example.com")
    client = sso_client()
    callback = _callback_url(client, "alice")
    assert client.get(callback).status_code == 302
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    replay = client.get(callback)
    assert replay.status_code == 400
    assert "already used" in replay.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_an_unknown_person_is_refused_and_nobody_is_created(
    sso_client: Callable[..., FlaskClient], db: Session
) -> None:
    client = sso_client()
    response = client.get(_callback_url(client, "stranger"))
    assert response.status_code == 403
    assert "has no person with your details" in response.get_data(as_text=True)
    assert db.query(Employee).count() == 0


def test_an_inactive_person_is_refused(
    sso_client: Callable[..., FlaskClient], make_employee: Callable[..., Employee]
) -> None:
    make_employee(email="alice@example.com", is_active=False)
    client = sso_client()
    response = client.get(_callback_url(client, "alice"))
    assert response.status_code == 403
    assert "switched off" in response.get_data(as_text=True)


def test_a_token_for_another_audience_is_refused(
    sso_client: Callable[..., FlaskClient],
    make_employee: Callable[..., Employee],
    oidc_provider: OidcProvider,
) -> None:
    """A real ID token the provider issued to its other client: the same signature and
    issuer, but not meant for Postwise."""
    make_employee(email="alice@example.com")
    other = sso_client(OIDC_CLIENT_ID="another-app", OIDC_CLIENT_SECRET="another-secret-for-tests")
    start = other.get("/sso/oidc/start")
    nonce = parse_qs(urlsplit(start.headers["Location"]).query)["nonce"][0]
    other.get(log_in_at_provider(start.headers["Location"], "alice").removeprefix(BASE))
    with other.session_transaction() as session:
        id_token = session["oidc_id_token"]
    config = oidc_provider.app_settings(OIDC_MATCH_CLAIM="email", OIDC_EMPLOYEE_ID_CLAIM="x")
    ours = OidcSettings.from_config(config)
    theirs = OidcSettings.from_config({**config, "OIDC_CLIENT_ID": "another-app"})
    assert ours is not None and theirs is not None
    metadata = provider_metadata(ours.discovery_url)
    now = clock.now().timestamp()
    assert verify_id_token(theirs, metadata, id_token, nonce, now)["aud"] == "another-app"
    with pytest.raises(OidcRefused, match="id token"):
        verify_id_token(ours, metadata, id_token, nonce, now)
    with pytest.raises(OidcRefused, match="id token"):
        verify_id_token(theirs, metadata, id_token, "another-nonce", now)


def test_an_expired_id_token_is_refused(
    sso_client: Callable[..., FlaskClient], make_employee: Callable[..., Employee]
) -> None:
    make_employee(email="alice@example.com")
    client = sso_client()
    callback = _callback_url(client, "alice")
    clock.advance(timedelta(hours=2))  # the provider's ID tokens live one hour
    response = client.get(callback)
    assert response.status_code == 400
    assert "could not be trusted" in response.get_data(as_text=True)


def test_sign_out_goes_to_the_providers_end_session(
    sso_client: Callable[..., FlaskClient],
    make_employee: Callable[..., Employee],
    oidc_provider: OidcProvider,
) -> None:
    make_employee(email="alice@example.com")
    client = sso_client()
    client.get(_callback_url(client, "alice"))
    response = client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 200
    refresh = response.headers["Refresh"].removeprefix("0; url=")
    assert f'href="{escape(refresh)}"' in response.get_data(as_text=True)
    target = urlsplit(refresh)
    assert (
        f"{target.scheme}://{target.netloc}{target.path}" == f"{oidc_provider.issuer}/session/end"
    )
    query = parse_qs(target.query)
    assert query["post_logout_redirect_uri"] == ["http://postwise.test/sign-in"]
    assert query["id_token_hint"]
    assert client.get("/").status_code == 302  # signed out here


def test_break_glass_only_hr_admins_on_the_list_use_passwords(
    sso_client: Callable[..., FlaskClient], make_employee: Callable[..., Employee]
) -> None:
    hr = make_employee(email="hr@example.com", is_hr_admin=True)
    staff = make_employee(email="staff@example.com")
    listed_staff = make_employee(email="listed@example.com")
    rules = {
        "PASSWORD_SIGN_IN": "break_glass",
        "BREAK_GLASS_EMAILS": "HR@example.com, listed@example.com",
    }
    for person, allowed in ((staff, False), (listed_staff, False), (hr, True)):
        client = sso_client(**rules)
        response = sign_in(client, person.email, PASSWORD)
        assert (response.status_code == 302) is allowed, person.email
        if not allowed:
            assert "Sign in with Test IdP" in response.get_data(as_text=True)


def test_passwords_stay_for_everyone_by_default(
    sso_client: Callable[..., FlaskClient], make_employee: Callable[..., Employee]
) -> None:
    staff = make_employee(email="staff@example.com")
    client = sso_client()
    assert "Sign in with Test IdP" in client.get("/sign-in").get_data(as_text=True)
    assert sign_in(client, staff.email, PASSWORD).status_code == 302
