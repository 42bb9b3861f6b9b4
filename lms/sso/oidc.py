"""OpenID Connect sign-in: the authorization code flow with PKCE, checked end to end.

No Flask here: the views keep the pending sign-in (state, nonce, PKCE verifier) in the
session and pass it back; this module talks to the provider and decides who signed in.
"""

from __future__ import annotations

import functools
import hmac
import logging
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.messages import N_, Message
from lms.people.accounts import find_by_email
from lms.people.models import Employee
from lms.sso.provisioning import (
    CreationRefused,
    CreationSettings,
    NewPerson,
    SignInPerson,
    create_person,
    split_name,
)

security_log = logging.getLogger("lms.security")
TIMEOUT_SECONDS = 10
LEEWAY_SECONDS = 60  # clocks of the provider and this host may differ a little
SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]
MATCH_CLAIMS = ("email", "employee_id")
CALLBACK_PATH = "/sso/oidc/callback"  # the redirect URI registered at the provider


class OidcRefused(Exception):
    """The sign-in cannot go on; `reason` is for the person, `event` for the security log."""

    def __init__(self, reason: Message, event: str, status: int = 400) -> None:
        super().__init__(event)
        self.reason = reason
        self.event = event
        self.status = status


@dataclass(frozen=True)
class OidcSettings:
    discovery_url: str
    client_id: str
    client_secret: str
    match_claim: str  # "email" or "employee_id"
    employee_id_claim: str  # the claim holding the HRIS id, when matching on it
    label: str

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> OidcSettings | None:
        """None when OpenID Connect is not set up."""
        if not config.get("OIDC_DISCOVERY_URL"):
            return None
        return cls(
            discovery_url=config["OIDC_DISCOVERY_URL"],
            client_id=config["OIDC_CLIENT_ID"],
            client_secret=config["OIDC_CLIENT_SECRET"],
            match_claim=config["OIDC_MATCH_CLAIM"],
            employee_id_claim=config["OIDC_EMPLOYEE_ID_CLAIM"],
            label=config["OIDC_LABEL"],
        )


@dataclass(frozen=True)
class PendingSignIn:
    """What the browser's session keeps between leaving for the provider and coming back."""

    state: str
    nonce: str
    code_verifier: str
    next_url: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Identity:
    claims: dict[str, Any]
    id_token: str  # kept for the logout hint; never logged


@functools.lru_cache(maxsize=8)
def provider_metadata(discovery_url: str) -> dict[str, Any]:
    """The provider's discovery document (endpoints, issuer, keys URL), fetched once."""
    try:
        response = requests.get(discovery_url, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        metadata: dict[str, Any] = response.json()
    except (requests.RequestException, ValueError) as problem:
        provider_metadata.cache_clear()
        raise OidcRefused(
            N_(
                "The company sign-in service did not answer. Try again in a minute, or ask "
                "your IT team whether it is down."
            ),
            f"oidc discovery failed: {type(problem).__name__}",
            status=502,
        ) from None
    return metadata


def begin(
    settings: OidcSettings, redirect_uri: str, next_url: str | None
) -> tuple[str, PendingSignIn]:
    """The provider's authorization URL, and what must come back with the person."""
    metadata = provider_metadata(settings.discovery_url)
    pending = PendingSignIn(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(48),
        next_url=next_url,
    )
    client = _client(settings, redirect_uri)
    url, _ = client.create_authorization_url(
        metadata["authorization_endpoint"],
        state=pending.state,
        code_verifier=pending.code_verifier,
        nonce=pending.nonce,
    )
    return url, pending


def finish(
    settings: OidcSettings,
    pending: PendingSignIn | None,
    args: Mapping[str, str],
    redirect_uri: str,
    now: float,
) -> Identity:
    """Check the callback's state, trade the code for tokens, and verify the ID token."""
    if pending is None or not hmac.compare_digest(args.get("state", ""), pending.state):
        raise OidcRefused(
            N_(
                "This sign-in link was already used or did not start in this browser. "
                "Start again with the sign-in button."
            ),
            "oidc sign-in refused: unknown or reused state",
        )
    if args.get("error"):
        raise OidcRefused(
            N_("The company sign-in service did not sign you in. Try again, or ask your IT team."),
            f"oidc sign-in refused by the provider: {args['error'][:40]}",
        )
    metadata = provider_metadata(settings.discovery_url)
    client = _client(settings, redirect_uri)
    try:
        token = client.fetch_token(
            metadata["token_endpoint"],
            code=args.get("code", ""),
            code_verifier=pending.code_verifier,
            timeout=TIMEOUT_SECONDS,
        )
    except Exception as problem:  # Authlib raises OAuthError; requests its own errors
        raise OidcRefused(
            N_(
                "The company sign-in service did not confirm this sign-in. Start again with "
                "the sign-in button."
            ),
            f"oidc code exchange failed: {type(problem).__name__}",
        ) from None
    id_token = token.get("id_token")
    if not id_token:
        raise OidcRefused(UNTRUSTED_ANSWER, "oidc sign-in refused: no id token")
    claims = verify_id_token(settings, metadata, id_token, pending.nonce, now)
    return Identity(claims=claims, id_token=id_token)


UNTRUSTED_ANSWER = N_(
    "The sign-in answer from the company sign-in service could not be trusted (it was meant "
    "for another app, has expired, or is not signed correctly). Start again with the sign-in "
    "button; if it keeps happening, ask your IT team to check the Postwise settings."
)


def verify_id_token(
    settings: OidcSettings, metadata: Mapping[str, Any], id_token: str, nonce: str, now: float
) -> dict[str, Any]:
    """Signature (the provider's published keys), issuer, audience, expiry and nonce."""
    try:
        keys = requests.get(metadata["jwks_uri"], timeout=TIMEOUT_SECONDS)
        keys.raise_for_status()
        key_set = KeySet.import_key_set(keys.json())
        decoded = jwt.decode(id_token, key_set, algorithms=SIGNING_ALGORITHMS)
        registry = jwt.JWTClaimsRegistry(
            now=int(now),
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": metadata["issuer"]},
            aud={"essential": True, "value": settings.client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        registry.validate(decoded.claims)
    except (JoseError, requests.RequestException, ValueError) as problem:
        raise OidcRefused(
            UNTRUSTED_ANSWER, f"oidc sign-in refused: id token {type(problem).__name__}"
        ) from None
    claims = dict(decoded.claims)
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != settings.client_id:
        raise OidcRefused(UNTRUSTED_ANSWER, "oidc sign-in refused: id token for another party")
    return claims


def person_for(
    session: Session,
    settings: OidcSettings,
    creation: CreationSettings,
    claims: Mapping[str, Any],
) -> SignInPerson:
    """The existing, active person the claims name; or, with creation on, a new person."""
    employee, claim = _matched(session, settings, claims)
    if employee is not None:
        if not employee.is_active:  # never reactivated, whatever the creation setting
            raise OidcRefused(
                N_(
                    "Your Postwise account is switched off, so you cannot sign in. If you think "
                    "that is wrong, ask your HR admin."
                ),
                f"oidc sign-in refused: account {employee.id} is inactive",
                status=403,
            )
        return SignInPerson(employee)
    if not creation.enabled:
        raise OidcRefused(
            N_(
                "You signed in with the company sign-in service, but Postwise has no person "
                "with your details. Ask your HR admin to add you (or to check your email "
                "address in Postwise)."
            )
            if claim == "email"
            else N_(
                "You signed in with the company sign-in service, but Postwise has no person "
                "with your details. Ask your HR admin to add you (or to check your employee ID "
                "in Postwise)."
            ),
            f"oidc sign-in refused: no person matches the {claim} claim",
            status=403,
        )
    try:
        created = create_person(session, creation, _new_person(settings, claims), via="OIDC")
    except CreationRefused as refused:
        raise OidcRefused(refused.message, f"oidc sign-in refused: {refused.reason}", 403) from None
    return SignInPerson(created, created=True)


def _matched(
    session: Session, settings: OidcSettings, claims: Mapping[str, Any]
) -> tuple[Employee | None, str]:
    """The stored person (active or not) the match claim names, and that claim's name."""
    if settings.match_claim == "email":
        value = claims.get("email")
        if claims.get("email_verified") is False:
            value = None
        found = find_by_email(session, value) if isinstance(value, str) and value else None
        return found, "email"
    claim = settings.employee_id_claim
    value = claims.get(claim)
    if value in (None, ""):
        return None, claim
    return session.scalar(select(Employee).where(Employee.hris_id == str(value).strip())), claim


def _new_person(settings: OidcSettings, claims: Mapping[str, Any]) -> NewPerson:
    """A new person from the ID token: a verified email, names, and the employee id claim."""
    email = claims.get("email")
    verified = claims.get("email_verified", True) is True  # Entra ID sends no such claim
    if not isinstance(email, str) or not email.strip() or not verified:
        raise CreationRefused(
            "not created: no verified email claim",
            N_(
                "Your company sign-in did not confirm your email address (it is missing or not "
                "verified), so Postwise cannot create your account. Ask your HR admin to add "
                "you to Postwise."
            ),
        )
    first, last = claims.get("given_name"), claims.get("family_name")
    if not (isinstance(first, str) and isinstance(last, str) and first.strip() and last.strip()):
        first, last = split_name(str(claims.get("name") or ""))
    hris_id = claims.get(settings.employee_id_claim)
    if settings.match_claim == "employee_id" and hris_id in (None, ""):
        raise CreationRefused(
            f"not created: no {settings.employee_id_claim} claim",
            N_(
                "Your company sign-in did not send your employee ID, so Postwise cannot create "
                "your account. Ask your HR admin to add you to Postwise."
            ),
        )
    return NewPerson(email, first, last, None if hris_id in (None, "") else str(hris_id))


def logout_url(settings: OidcSettings, id_token: str | None, after: str) -> str | None:
    """The provider's end-session URL (RP-initiated logout), when it offers one."""
    try:
        endpoint = provider_metadata(settings.discovery_url).get("end_session_endpoint")
    except OidcRefused:
        return None
    if not endpoint:
        return None
    params = {"post_logout_redirect_uri": after, "client_id": settings.client_id}
    if id_token:
        params["id_token_hint"] = id_token
    return requests.Request("GET", endpoint, params=params).prepare().url


def _client(settings: OidcSettings, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(
        settings.client_id,
        settings.client_secret,
        scope="openid email profile",
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )
