"""In the browser: a person signs in with their company account through a real SAML IdP
(pysaml2's, on loopback), from Postwise's sign-in page to My learning."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from lms.people.models import Employee
from tests.e2e.conftest import assert_accessible
from tests.sso.saml_idp import LoopbackIdP, free_port, saml_settings, serving

PORT = free_port()  # the app's URL is in its SAML metadata, so it is known before it serves


@pytest.fixture
def saml_idp(tmp_path: Path) -> Iterator[LoopbackIdP]:
    idp = LoopbackIdP(tmp_path, free_port())
    with serving(idp):
        yield idp


@pytest.fixture
def app(make_app: Callable[..., Flask], saml_idp: LoopbackIdP, tmp_path: Path) -> Flask:
    made = make_app(BASE_URL=f"http://127.0.0.1:{PORT}", **saml_settings(tmp_path, saml_idp))
    saml_idp.trust_sp(made.test_client().get("/sso/saml/metadata").get_data(as_text=True))
    return made


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app on the port its BASE_URL names (the shared fixture picks one at random)."""
    server = make_server("127.0.0.1", PORT, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{PORT}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_signing_in_through_the_company_idp(
    page: Page, saml_idp: LoopbackIdP, make_employee: Callable[..., Employee]
) -> None:
    make_employee(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    saml_idp.users["ada"] = {"email": "ada@example.com"}

    page.goto("/sign-in")
    assert_accessible(page)
    page.get_by_role("link", name="Sign in with your company account").click()
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    assert page.url.startswith(saml_idp.url)
    page.get_by_label("Username").fill("ada")
    page.get_by_role("button", name="Log in at the IdP").click()

    expect(page.get_by_role("heading", name="My learning")).to_be_visible()
    assert page.url == f"http://127.0.0.1:{PORT}/"
    assert_accessible(page)
