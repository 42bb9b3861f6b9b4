"""Break-glass passwords apply whichever single sign-on is on (OIDC, SAML or both), and the
refusal names the button(s) the sign-in page shows."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms.people.models import Employee
from lms.sso.password_policy import password_refusal
from tests.helpers import PASSWORD, sign_in

BREAK_GLASS = {"PASSWORD_SIGN_IN": "break_glass", "BREAK_GLASS_EMAILS": "hr@example.com"}
SAML_BUTTON = "\u201cSign in with your company account\u201d button"


@pytest.fixture
def break_glass_saml(make_app: Callable[..., Flask], app: Flask) -> Callable[[], FlaskClient]:
    """A client of the app with SAML on (and OIDC off) and break-glass passwords."""
    saml = {key: app.config[key] for key in app.config if key.startswith("SAML_")}
    return lambda: make_app(**saml, **BREAK_GLASS).test_client()


def test_with_saml_on_only_listed_hr_admins_use_passwords(
    break_glass_saml: Callable[[], FlaskClient], make_employee: Callable[..., Employee]
) -> None:
    hr = make_employee(email="hr@example.com", is_hr_admin=True)
    staff = make_employee(email="staff@example.com")
    refused = sign_in(break_glass_saml(), staff.email, PASSWORD)
    assert refused.status_code == 200
    page = refused.get_data(as_text=True)
    assert f"use the {SAML_BUTTON} instead of a password" in page
    assert 'href="/sso/saml/login"' in page
    assert sign_in(break_glass_saml(), hr.email, PASSWORD).status_code == 302


def test_with_saml_on_passwords_stay_for_everyone_by_default(
    client: FlaskClient, make_employee: Callable[..., Employee]
) -> None:
    staff = make_employee(email="staff@example.com")
    assert sign_in(client, staff.email, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("sso", "buttons"),
    [
        ({"OIDC_DISCOVERY_URL": "https://idp.example/x"}, "\u201cSign in with Okta\u201d button"),
        ({"SAML_IDP_METADATA_URL": "https://idp.example/m"}, SAML_BUTTON),
        (
            {"OIDC_DISCOVERY_URL": "https://idp.example/x", "SAML_IDP_METADATA_FILE": "idp.xml"},
            f"\u201cSign in with Okta\u201d or {SAML_BUTTON}",
        ),
        ({}, None),  # no single sign-on: passwords are the only way in, for everyone
    ],
    ids=["OIDC", "SAML", "both", "neither"],
)
def test_the_refusal_names_the_buttons_shown(sso: dict[str, str], buttons: str | None) -> None:
    config = {"OIDC_LABEL": "Sign in with Okta", **BREAK_GLASS, "BREAK_GLASS_EMAILS": set()}
    refusal = password_refusal({**config, **sso}, "staff@example.com")
    if buttons is None:
        assert refusal is None
    else:
        assert refusal is not None and f"use the {buttons} instead of a password" in str(refusal)
