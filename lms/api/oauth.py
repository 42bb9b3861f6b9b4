"""OAuth2 client credentials with Authlib: the token endpoint's server and the bearer check.

Authlib does the protocol (client authentication, grant and scope checks, RFC 6749 error
bodies at the token endpoint); lms.api.clients keeps the clients and tokens.
"""

from __future__ import annotations

from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6750 import BearerTokenGenerator, BearerTokenValidator
from flask import g

from lms.api import clients
from lms.api.models import ApiClient, ApiToken
from lms.dbsession import db_session


class ClientCredentialsGrant(grants.ClientCredentialsGrant):
    """The secret in a Basic header (RFC 6749's first choice) or in the form body."""

    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]  # noqa: RUF012


def _query_client(client_id: str) -> ApiClient | None:
    return clients.find_client(db_session(), client_id)


def _save_token(token: dict[str, Any], request: Any) -> None:
    g.api_client_id = request.client.id  # the call log names who asked for the token
    clients.save_token(db_session(), request.client, token["access_token"], token["scope"])


def _expires_in(client: ApiClient, grant_type: str) -> int:
    return int(clients.TOKEN_LIFETIME.total_seconds())


def _access_token(client: ApiClient, grant_type: str, user: object, scope: str) -> str:
    return clients.new_access_token()


class _Validator(BearerTokenValidator):
    def authenticate_token(self, token_string: str) -> ApiToken | None:
        return current_token(token_string)


def current_token(token_string: str) -> ApiToken | None:
    """The token a request carries, looked up once per request (the rate limiter asks too)."""
    if "api_token" not in g:
        g.api_token = clients.find_token(db_session(), token_string)
    return g.api_token


server = AuthorizationServer(query_client=_query_client, save_token=_save_token)
server.register_grant(ClientCredentialsGrant)
protector = ResourceProtector()
protector.register_token_validator(_Validator())


def init_app(app: Any) -> None:
    """Bind the server to the app, with our token values and their one-hour lifetime."""
    server.init_app(app)
    server.register_token_generator(
        "default", BearerTokenGenerator(_access_token, expires_generator=_expires_in)
    )
