"""A real OpenID Provider (npm oidc-provider) on a free loopback port, for the whole run.

Import `oidc_provider` into a test module to use it. Without Node the tests skip, unless
LMS_REQUIRE_SSO=1 (CI) makes that a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from flask.testing import FlaskClient

PROVIDER_DIR = Path(__file__).parent / "provider"
CLIENT_ID = "postwise"
CLIENT_SECRET = "provider-client-secret-for-tests"
APP_BASE = "http://postwise.test"  # the test client's host, as the provider redirects to it
# Accounts the provider knows (sub → claims); tests make the Postwise people they need.
ACCOUNTS = {
    "alice": {"email": "alice@example.com", "email_verified": True, "employee_id": "E-ALICE"},
    "bob": {"email": "bob@example.com", "email_verified": True, "employee_id": "E-BOB"},
    "stranger": {"email": "stranger@example.com", "email_verified": True, "employee_id": "E-X"},
    # For creation at first sign-in (LMS_SSO_CREATE_PEOPLE): names as Entra ID, Okta and
    # Google send them, and the cases that must not create anyone.
    "newcomer": {
        "email": "Nia.Newcomer@example.com",
        "email_verified": True,
        "given_name": "Nia",
        "family_name": "Newcomer",
        "employee_id": "E-NIA",
    },
    "display-name": {"email": "ludwig@example.com", "name": "Ludwig van Beethoven"},
    "unverified": {
        "email": "una@example.com",
        "email_verified": False,
        "given_name": "Una",
        "family_name": "Checked",
    },
    "elsewhere": {
        "email": "olga@elsewhere.example",
        "email_verified": True,
        "given_name": "Olga",
        "family_name": "Outside",
    },
    "nameless": {"email": "nameless@example.com", "email_verified": True},
}


@dataclass(frozen=True)
class OidcProvider:
    issuer: str
    accounts_file: Path

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def app_settings(self, **overrides: Any) -> dict[str, Any]:
        return {
            "OIDC_DISCOVERY_URL": self.discovery_url,
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_LABEL": "Sign in with Test IdP",
            **overrides,
        }


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("LMS_REQUIRE_SSO") == "1":
        pytest.fail(f"LMS_REQUIRE_SSO=1 but {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcProvider]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        _skip_or_fail("Node.js (node and npm) is not installed, so no OpenID Provider can run")
    assert node is not None and npm is not None
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
        installed = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=PROVIDER_DIR,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if installed.returncode != 0:
            _skip_or_fail(f"npm ci of oidc-provider failed: {installed.stderr[-500:]}")
    accounts = tmp_path_factory.mktemp("oidc") / "accounts.json"
    accounts.write_text(json.dumps(ACCOUNTS))
    port = _free_port()
    log = accounts.with_name("provider.log")
    with log.open("w") as output:
        process = subprocess.Popen(
            [node, "index.mjs", str(port), CLIENT_ID, CLIENT_SECRET, str(accounts)],
            cwd=PROVIDER_DIR,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    issuer = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2)
                break
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the OpenID Provider did not start:\n{log.read_text()}")
                time.sleep(0.1)
        yield OidcProvider(issuer=issuer, accounts_file=accounts)
    finally:
        process.terminate()
        process.wait(timeout=10)


def callback_path(client: FlaskClient, login: str, next_url: str = "/courses/") -> str:
    """Start a sign-in on the app, log in at the provider as `login`, and return the app's
    callback path the provider sends the browser back to (with code and state)."""
    start = client.get(f"/sso/oidc/start?next={next_url}")
    assert start.status_code == 302
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    back = log_in_at_provider(start.headers["Location"], login)
    assert back.startswith(f"{APP_BASE}/sso/oidc/callback?"), back
    return back.removeprefix(APP_BASE)


_FORM = re.compile(r'<form[^>]*action="([^"]+)"', re.IGNORECASE)


def log_in_at_provider(authorization_url: str, login: str) -> str:
    """Follow the provider's pages as a browser would (its real login form); returns the
    URL it sends the person back to (the app's callback, with code and state)."""
    browser = requests.Session()
    url = authorization_url
    for _ in range(10):
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            if not url.startswith("http://127.0.0.1"):
                return url
            continue
        action = _FORM.search(response.text)
        assert action, f"no form at {url}: {response.text[:300]}"
        posted = browser.post(
            urljoin(url, unescape(action.group(1))),
            data={"login": login, "password": "any-password", "prompt": "login"},
            allow_redirects=False,
            timeout=10,
        )
        assert posted.is_redirect, posted.text[:300]
        url = urljoin(url, posted.headers["Location"])
    raise AssertionError("the provider never sent the person back")
