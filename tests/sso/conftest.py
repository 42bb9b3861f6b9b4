"""SAML tests run against pysaml2's IdP on loopback (tests/sso/saml_idp.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.sso.saml_idp import LoopbackIdP, free_port, saml_settings, serving


@pytest.fixture
def saml_idp(tmp_path: Path) -> Iterator[LoopbackIdP]:
    idp = LoopbackIdP(tmp_path, free_port())
    with serving(idp):
        yield idp


@pytest.fixture
def app(make_app: Callable[..., Flask], saml_idp: LoopbackIdP, tmp_path: Path) -> Flask:
    """The app with SAML on; the IdP trusts its SP metadata, as an IdP admin would set up."""
    made = make_app(**saml_settings(tmp_path, saml_idp))
    saml_idp.trust_sp(made.test_client().get("/sso/saml/metadata").get_data(as_text=True))
    return made
