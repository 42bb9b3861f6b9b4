"""HR's sign-in and provisioning page: every source with its facts, never a secret, and the
latest SCIM calls filtered to the errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from lms.scim import tokens
from tests.helpers import sign_in
from tests.sso.saml_idp import LoopbackIdP, saml_settings
from tests.sso.test_identity_sources import OIDC


@pytest.fixture
def app(make_app: Callable[..., Flask], saml_idp: LoopbackIdP, tmp_path: Path) -> Flask:
    """Every sign-in source on: OpenID Connect, SAML, break-glass passwords."""
    return make_app(
        **OIDC,
        **saml_settings(tmp_path, saml_idp),
        PASSWORD_SIGN_IN="break_glass",
        BREAK_GLASS_EMAILS="person1@example.com",
    )


@pytest.fixture
def calls(db: Session) -> None:
    token = tokens.create_token(db, "Entra ID", actor_id=None).token
    tokens.log_call(db, token.id, "POST", "/scim/v2/Users", 201, None)
    tokens.log_call(
        db, token.id, "PATCH", "/scim/v2/Users/7", 400, "manager E999 is not in Postwise"
    )
    tokens.log_call(db, None, "GET", "/scim/v2/Groups", 401, "no valid bearer token")
    db.commit()


def _key_lines(app: Flask) -> list[str]:
    """The base64 lines of the SP's private key file: none may reach a page."""
    pem = Path(app.config["SAML_SP_KEY_FILE"]).read_text().splitlines()
    return [line for line in pem if line and not line.startswith("-----")]


def test_hr_sees_every_source_and_no_secret(app, login, org, calls, saml_idp) -> None:
    page = login(org["hr"]).get("/admin/identity")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1>Sign-in and provisioning</h1>" in html
    assert 'href="/admin/identity">Sign-in settings</a>' in html  # in HR's navigation
    for fact in (
        OIDC["OIDC_DISCOVERY_URL"],
        "postwise-client",
        "http://postwise.test/sso/oidc/callback",
        "Sign in with Example",
        f"{saml_idp.url}/idp",
        "http://postwise.test/sso/saml/acs",
        'href="http://postwise.test/sso/saml/metadata"',
        "email address (the NameID)",
        'person1@example.com: <span class="badge badge-ok">Active HR admin</span>',
        "http://postwise.test/scim/v2",
        "2 refused",
    ):
        assert fact in html, fact
    assert OIDC["OIDC_CLIENT_SECRET"] not in html
    key = _key_lines(app)
    assert key and not [line for line in key if line in html]
    assert app.config["SAML_SP_KEY_FILE"] not in html
    assert "docs/sso-oidc.md" not in html and "docs/sso-saml.md" not in html  # both are on


def test_sources_that_are_off_say_how_to_turn_them_on(make_app, org) -> None:
    app = make_app()
    client = app.test_client()
    assert sign_in(client, org["hr"].email).status_code == 302
    html = client.get("/admin/identity").get_data(as_text=True)
    for how in ("docs/sso-oidc.md", "docs/sso-saml.md", "docs/scim.md", "Import people"):
        assert how in html, how
    assert "Everyone with a password can sign in with it." in html
    assert "Create people at first sign-in" in html and "LMS_SSO_CREATE_PEOPLE=1" in html


def test_the_latest_calls_show_token_method_path_status_and_problem(login, org, calls) -> None:
    html = login(org["hr"]).get("/admin/identity").get_data(as_text=True)
    assert "<td>Entra ID</td>" in html and "<td>No valid token</td>" in html
    assert "<code>PATCH /scim/v2/Users/7</code>" in html and "400 Refused" in html
    assert "manager E999 is not in Postwise" in html and "201 OK" in html


def test_errors_only_leaves_out_the_calls_that_worked(login, org, calls) -> None:
    page = login(org["hr"]).get("/admin/identity?show=errors")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "400 Refused" in html and "401 Refused" in html and "201 OK" not in html
    assert 'href="/admin/identity?show=errors" aria-current="true">Errors only' in html


def test_errors_only_without_errors_says_so(login, org, db) -> None:
    token = tokens.create_token(db, "Okta", actor_id=None).token
    tokens.log_call(db, token.id, "GET", "/scim/v2/Users", 200, None)
    db.commit()
    html = login(org["hr"]).get("/admin/identity?show=errors").get_data(as_text=True)
    assert "No refused SCIM calls." in html and "200 OK" not in html


def test_an_unknown_filter_is_refused_with_a_message_and_all_calls(login, org, calls) -> None:
    page = login(org["hr"]).get("/admin/identity?show=<b>everything</b>")
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "The calls filter “show=&lt;b&gt;everything&lt;/b&gt;” is not one Postwise knows" in html
    assert "201 OK" in html and "400 Refused" in html


def test_the_scim_page_shows_the_same_calls_table(login, org, calls) -> None:
    html = login(org["hr"]).get("/admin/scim").get_data(as_text=True)
    assert '<th scope="col">Token</th>' in html and "<td>No valid token</td>" in html
    assert "manager E999 is not in Postwise" in html
