"""A real SAML identity provider for the tests: pysaml2's IdP (saml2.server.Server) behind a
small werkzeug app with a login form, on a free loopback port.

Keys are throwaway ones made at run time; nothing secret is committed.
"""

from __future__ import annotations

import base64
import html
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_EMAILADDRESS, NAMEID_FORMAT_UNSPECIFIED, NameID
from saml2.server import Server
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


def make_key_pair(folder: Path, name: str) -> tuple[Path, Path]:
    """A throwaway RSA key and self-signed certificate, as PEM files."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = folder / f"{name}.key", folder / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


@dataclass
class LoopbackIdP:
    """The IdP: its metadata file for the SP, and responses it signs for a person."""

    folder: Path
    port: int
    users: dict[str, dict[str, str]] = field(default_factory=dict)  # login → attributes
    server: Server | None = None

    def __post_init__(self) -> None:
        self.key, self.cert = make_key_pair(self.folder, "idp")
        self.metadata_file = self.folder / "idp-metadata.xml"
        self.metadata_file.write_text(
            create_metadata_string(None, config=self._config(None), valid=24).decode()
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _config(self, sp_metadata: Path | None, lifetime_minutes: int = 15) -> IdPConfig:
        config = IdPConfig()
        config.load(
            {
                "entityid": f"{self.url}/idp",
                "xmlsec_binary": shutil.which("xmlsec1"),
                "key_file": str(self.key),
                "cert_file": str(self.cert),
                "metadata": {"local": [str(sp_metadata)]} if sp_metadata else {},
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [
                                (f"{self.url}/sso", BINDING_HTTP_REDIRECT),
                            ]
                        },
                        "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                        "policy": {"default": {"lifetime": {"minutes": lifetime_minutes}}},
                        "want_authn_requests_signed": False,
                    }
                },
            }
        )
        return config

    def trust_sp(self, sp_metadata_xml: str) -> None:
        """Load the SP's metadata (served by Postwise) so the IdP knows where to answer."""
        path = self.folder / "sp-metadata.xml"
        path.write_text(sp_metadata_xml)
        self.sp_metadata = path
        self.server = Server(config=self._config(path))

    def response(
        self,
        login: str,
        *,
        acs_url: str,
        audience: str,
        signed: bool = True,
        lifetime_minutes: int = 15,
        in_response_to: str | None = None,
    ) -> str:
        """A base64 SAMLResponse for this person, signed (or not) by the IdP's key."""
        server = Server(config=self._config(self.sp_metadata, lifetime_minutes))
        attributes = self.users[login]
        response = server.create_authn_response(
            identity={name: [value] for name, value in attributes.items()},
            in_response_to=in_response_to,
            destination=acs_url,
            sp_entity_id=audience,
            name_id=NameID(format=NAMEID_FORMAT_UNSPECIFIED, text=attributes["email"]),
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
            sign_assertion=signed,
            sign_response=False,
            best_effort=True,
        )
        return base64.b64encode(str(response).encode()).decode()

    # ------------------------------------------------------------ the login pages

    def wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        if request.path == "/sso":
            page = LOGIN_FORM.format(
                request=html.escape(request.args.get("SAMLRequest", "")),
                relay=html.escape(request.args.get("RelayState", "")),
            )
            return Response(page, content_type="text/html")(environ, start_response)
        if request.path == "/login" and request.method == "POST":
            return self._login(request)(environ, start_response)
        return Response("not found", status=404)(environ, start_response)

    def _login(self, request: Request) -> Response:
        assert self.server is not None
        login = request.form.get("username", "")
        if login not in self.users:
            return Response("Unknown user at the test IdP", status=401)
        parsed = self.server.parse_authn_request(
            request.form["SAMLRequest"], BINDING_HTTP_REDIRECT
        ).message
        saml_response = self.response(
            login,
            acs_url=parsed.assertion_consumer_service_url,
            audience=parsed.issuer.text,
            in_response_to=parsed.id,
        )
        page = POST_FORM.format(
            acs=html.escape(parsed.assertion_consumer_service_url),
            response=saml_response,
            relay=html.escape(request.form.get("RelayState", "")),
        )
        return Response(page, content_type="text/html")


LOGIN_FORM = """<!doctype html><html lang="en"><title>Test IdP</title><main>
<h1>Test identity provider</h1>
<form method="post" action="/login">
<label for="username">Username</label> <input id="username" name="username">
<input type="hidden" name="SAMLRequest" value="{request}">
<input type="hidden" name="RelayState" value="{relay}">
<button type="submit">Log in at the IdP</button></form></main></html>"""

POST_FORM = """<!doctype html><html lang="en"><title>Test IdP</title><main>
<form method="post" action="{acs}" id="back">
<input type="hidden" name="SAMLResponse" value="{response}">
<input type="hidden" name="RelayState" value="{relay}">
<button type="submit">Continue to Postwise</button></form>
<script>document.getElementById('back').submit()</script></main></html>"""


@contextmanager
def serving(idp: LoopbackIdP) -> Iterator[LoopbackIdP]:
    """Serve the IdP's pages on its loopback port while the block runs."""
    server = make_server("127.0.0.1", idp.port, idp.wsgi, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield idp
    finally:
        server.shutdown()
        thread.join()


def free_port() -> int:
    """A loopback port nobody listens on now (the IdP's URL names it before it serves)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def saml_settings(folder: Path, idp: LoopbackIdP) -> dict[str, Any]:
    """The app's LMS_SAML_* settings for this IdP, with a throwaway SP key pair."""
    key, cert = make_key_pair(folder, "sp")
    return {
        "SAML_IDP_METADATA_FILE": str(idp.metadata_file),
        "SAML_SP_KEY_FILE": str(key),
        "SAML_SP_CERT_FILE": str(cert),
    }
