"""Settings for single sign-on that cannot work stop the app with a message naming them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from lms.config import ConfigError


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"PASSWORD_SIGN_IN": "nobody"}, "LMS_PASSWORD_SIGN_IN is 'nobody'"),
        ({"OIDC_MATCH_CLAIM": "name"}, "LMS_OIDC_MATCH_CLAIM is 'name'"),
        ({"OIDC_DISCOVERY_URL": "https://idp.example.com/x"}, "LMS_OIDC_CLIENT_ID is not"),
        ({"SSO_CREATE_PEOPLE": True}, "LMS_SSO_CREATE_PEOPLE is on but LMS_SSO_CREATE_DOMAINS"),
        ({"SSO_CREATE_PEOPLE": "maybe"}, "LMS_SSO_CREATE_PEOPLE is 'maybe'"),
        (
            {"SSO_CREATE_DOMAINS": "example.com, people@example.org"},
            "LMS_SSO_CREATE_DOMAINS has 'people@example.org', which is not a domain",
        ),
    ],
)
def test_unworkable_settings_are_named(
    make_app: Callable[..., Flask], settings: dict[str, str], named: str
) -> None:
    with pytest.raises(ConfigError, match=named):
        make_app(**settings)


def test_break_glass_addresses_are_read_from_a_comma_separated_list(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(BREAK_GLASS_EMAILS=" HR@Example.com,, it@example.com ")
    assert app.config["BREAK_GLASS_EMAILS"] == {"hr@example.com", "it@example.com"}


def test_without_a_discovery_url_there_is_no_button(make_app: Callable[..., Flask]) -> None:
    client = make_app().test_client()
    assert 'id="sso-oidc"' not in client.get("/sign-in").get_data(as_text=True)
    assert client.get("/sso/oidc/start").status_code == 404


def test_creation_is_off_by_default(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    assert app.config["SSO_CREATE_PEOPLE"] is False
    assert app.config["SSO_CREATE_DOMAINS"] == frozenset()


@pytest.mark.parametrize("switch", ["true", "1", "on", "yes"])
def test_creation_is_switched_on_from_the_environment(
    make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch, switch: str
) -> None:
    monkeypatch.setenv("LMS_SSO_CREATE_PEOPLE", switch)
    monkeypatch.setenv("LMS_SSO_CREATE_DOMAINS", " Example.com,,@example.co.uk ")
    app = make_app()
    assert app.config["SSO_CREATE_PEOPLE"] is True
    assert app.config["SSO_CREATE_DOMAINS"] == {"example.com", "example.co.uk"}
