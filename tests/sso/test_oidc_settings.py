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
