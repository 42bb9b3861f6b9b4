"""Settings: defaults, overlaid by instance/config.py, then LMS_* variables, then a mapping."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Config, Flask

from lms.languages import LANGUAGES

DEFAULTS: dict[str, Any] = {
    "ENV": "development",
    "DATABASE_URL": None,  # filled in from the instance folder when unset
    "AUTO_UPGRADE": True,  # upgrade a SQLite database to the newest schema at start
    "SECRET_KEY": None,
    "BASE_URL": "http://127.0.0.1:5000",
    "RATELIMIT_STORAGE_URL": "memory://",
    "RATELIMIT_ENABLED": True,
    "TRUSTED_PROXIES": 0,  # how many reverse proxies stand in front of the app
    "SIGN_IN_RATE_LIMIT": "30 per minute",
    "API_RATE_LIMIT": "600 per minute",  # per API client (per address at /api/v1/token)
    "SESSION_IDLE_MINUTES": 30,
    "SESSION_MAX_HOURS": 12,
    "INVITE_MAX_AGE_HOURS": 72,
    # Wrong passwords (lms.people.throttle): counted in the rate limiter's storage, so use
    # Redis (RATELIMIT_STORAGE_URL) when several processes or hosts serve the app.
    "SIGN_IN_THROTTLE_ENABLED": True,
    "SIGN_IN_THROTTLE_PREFIX": "postwise-sign-in",  # keys in that storage start with this
    "LOCKOUT_ATTEMPTS": 5,  # per account from unknown browsers, and per known browser
    "LOCKOUT_ADDRESS_ATTEMPTS": 20,  # per client address, whatever accounts it tries
    "LOCKOUT_FIRST_MINUTES": 1,  # the first wait; each further wrong password doubles it
    "LOCKOUT_MAX_MINUTES": 60,
    "LOCKOUT_FORGET_HOURS": 24,  # counts start again from nothing every this many hours
    "KNOWN_BROWSER_DAYS": 180,  # how long a browser stays known to an account it signed in to
    "IMPORT_MAX_MB": 20,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "postwise_session",
    # The cookie is rewritten when the session's idle clock moves (at most once a minute,
    # see lms.web_security), not with every response.
    "SESSION_REFRESH_EACH_REQUEST": False,
    "WTF_CSRF_TIME_LIMIT": None,  # the session's own lifetime bounds the token
    # Email. Without SMTP_HOST nothing is sent: invite links are printed instead.
    "SMTP_HOST": "",
    "SMTP_PORT": None,  # 25, 587 or 465 by SMTP_SECURITY when unset
    "SMTP_SECURITY": "none",  # none, starttls or ssl
    "SMTP_USER": "",
    "SMTP_PASSWORD": "",
    "SMTP_TIMEOUT_SECONDS": 30,
    "MAIL_FROM": "",  # "Postwise <no-reply@your host>" when unset
    "MAIL_BATCH_SIZE": 50,
    "MAIL_MAX_ATTEMPTS": 10,
    # Extra entries for the pre-check's word lists (same file names as lms/precheck/wordlists).
    "PRECHECK_WORDLISTS": None,  # instance/precheck when unset
    # SAML sign-in (docs/sso-saml.md): on when IdP metadata is set, from a file or a URL.
    "SAML_IDP_METADATA_FILE": "",
    "SAML_IDP_METADATA_URL": "",  # fetched once, when the app starts
    "SAML_SP_KEY_FILE": "",  # PEM private key of Postwise as SP; never commit it
    "SAML_SP_CERT_FILE": "",
    "SAML_MATCH": "email",  # or employee_id (the HRIS id)
    "SAML_EMAIL_ATTRIBUTE": "NameID",  # or an attribute name, e.g. email
    "SAML_EMPLOYEE_ID_ATTRIBUTE": "",
    # Names for people created at first sign-in: the first attribute present (by Name or
    # FriendlyName, ignoring case) wins. Entra ID's claim URIs, then Okta's and Google's usual.
    "SAML_FIRST_NAME_ATTRIBUTE": (
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname, givenName, firstName"
    ),
    "SAML_LAST_NAME_ATTRIBUTE": (
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname, sn, surname, lastName"
    ),
    "LOG_LEVEL": "WARNING",  # of the `lms` logger; security events are logged from INFO
    # Single sign-on with OpenID Connect (lms.sso.oidc): on when the discovery URL is set.
    "OIDC_DISCOVERY_URL": "",
    "OIDC_CLIENT_ID": "",
    "OIDC_CLIENT_SECRET": "",
    "OIDC_MATCH_CLAIM": "email",  # email (Employee.email) or employee_id (Employee.hris_id)
    "OIDC_EMPLOYEE_ID_CLAIM": "employee_id",  # the ID token claim holding the HRIS id
    "OIDC_LABEL": "Sign in with your company account",
    # "everyone", or "break_glass": with single sign-on on, only HR admins listed in
    # BREAK_GLASS_EMAILS may still sign in with a password.
    "PASSWORD_SIGN_IN": "everyone",
    "BREAK_GLASS_EMAILS": "",  # comma-separated, or a list in instance/config.py
    # Just-in-time creation (lms.sso.provisioning): with OIDC or SAML, someone the identity
    # provider vouches for and Postwise does not know is created, if their address is at one
    # of SSO_CREATE_DOMAINS (comma-separated, required when on). SCIM is the better way.
    "SSO_CREATE_PEOPLE": False,
    "SSO_CREATE_DOMAINS": "",
    "DEFAULT_LANGUAGE": "en",  # en, de, fr or es: for people whose browser asks for none
    # Every marked string in look-alike accented letters, so unmarked ones stand out.
    "PSEUDO_TRANSLATION": False,
    # xAPI (lms.xapi, docs/xapi.md): statements go to this LRS when the endpoint is set.
    "XAPI_ENDPOINT": "",  # the LRS's xAPI base URL, e.g. https://lrs.example.com/xAPI/
    "XAPI_USERNAME": "",  # HTTP Basic credentials the LRS issued to Postwise
    "XAPI_PASSWORD": "",
}
SWITCH_WORDS = {"1": True, "true": True, "on": True, "yes": True}
SWITCH_WORDS |= {"0": False, "false": False, "off": False, "no": False, "": False}
_DOMAIN = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+")
SMTP_PORTS = {"none": 25, "starttls": 587, "ssl": 465}


class ConfigError(RuntimeError):
    """The settings cannot run the app (for example production without a secret key)."""


def load_settings(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    """Fill app.config from every source, in order, then derive what follows from it."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("LMS")
    if overrides:
        app.config.from_mapping(overrides)
    _derive(app)


def _derive(app: Flask) -> None:
    config = app.config
    production = config["ENV"] == "production"
    instance = Path(app.instance_path)
    if not config["DATABASE_URL"]:
        instance.mkdir(parents=True, exist_ok=True)
        config["DATABASE_URL"] = f"sqlite:///{instance / 'lms.sqlite3'}"
    if not config["SECRET_KEY"]:
        if production:
            raise ConfigError(
                "LMS_SECRET_KEY is not set. In production Postwise needs a fixed secret key: "
                "generate one with `python3 -c 'import secrets; print(secrets.token_hex(32))'`."
            )
        config["SECRET_KEY"] = _instance_secret(instance)
    config["RATELIMIT_STORAGE_URI"] = config["RATELIMIT_STORAGE_URL"]
    config["SESSION_COOKIE_SECURE"] = production
    config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=config["SESSION_MAX_HOURS"])
    config["MAX_CONTENT_LENGTH"] = config["IMPORT_MAX_MB"] * 1024 * 1024 + 64 * 1024
    _derive_mail(config)
    _derive_sso(config)
    _derive_xapi(config)
    _derive_language(config)
    config["PRECHECK_WORDLISTS"] = Path(config["PRECHECK_WORDLISTS"] or instance / "precheck")


def _derive_mail(config: Config) -> None:
    security = str(config["SMTP_SECURITY"]).lower()
    if security not in SMTP_PORTS:
        raise ConfigError(
            f"LMS_SMTP_SECURITY is {config['SMTP_SECURITY']!r}; use none, starttls or ssl."
        )
    config["SMTP_SECURITY"] = security
    config["SMTP_PORT"] = int(config["SMTP_PORT"] or SMTP_PORTS[security])
    if not config["MAIL_FROM"]:
        host = urlsplit(config["BASE_URL"]).hostname or "localhost"
        config["MAIL_FROM"] = f"Postwise <no-reply@{host}>"


def _derive_xapi(config: Config) -> None:
    endpoint = config["XAPI_ENDPOINT"]
    if endpoint and urlsplit(endpoint).scheme not in ("http", "https"):
        raise ConfigError(
            f"LMS_XAPI_ENDPOINT is {endpoint!r}; give the LRS's xAPI address starting with "
            "https:// (or http://), e.g. https://lrs.example.com/xAPI/."
        )


def _derive_language(config: Config) -> None:
    language = str(config["DEFAULT_LANGUAGE"]).strip().lower()
    if language not in LANGUAGES:
        raise ConfigError(
            f"LMS_DEFAULT_LANGUAGE is {config['DEFAULT_LANGUAGE']!r}; use one of "
            f"{', '.join(LANGUAGES)} ({', '.join(LANGUAGES.values())})."
        )
    config["DEFAULT_LANGUAGE"] = language


def _derive_sso(config: Config) -> None:
    if config["PASSWORD_SIGN_IN"] not in ("everyone", "break_glass"):
        raise ConfigError(
            f"LMS_PASSWORD_SIGN_IN is {config['PASSWORD_SIGN_IN']!r}; use everyone or break_glass."
        )
    if config["OIDC_MATCH_CLAIM"] not in ("email", "employee_id"):
        raise ConfigError(
            f"LMS_OIDC_MATCH_CLAIM is {config['OIDC_MATCH_CLAIM']!r}; use email or employee_id."
        )
    if config["OIDC_DISCOVERY_URL"] and not config["OIDC_CLIENT_ID"]:
        raise ConfigError(
            "LMS_OIDC_DISCOVERY_URL is set but LMS_OIDC_CLIENT_ID is not: copy the client (or "
            "application) ID from your identity provider's app registration."
        )
    emails = config["BREAK_GLASS_EMAILS"]
    if isinstance(emails, str):
        emails = emails.split(",")
    config["BREAK_GLASS_EMAILS"] = frozenset(e.strip().lower() for e in emails if e.strip())
    _derive_creation(config)


def _derive_creation(config: Config) -> None:
    """Just-in-time creation is a switch, and never without the domains it may create."""
    switch = config["SSO_CREATE_PEOPLE"]
    if not isinstance(switch, bool):
        if str(switch).strip().lower() not in SWITCH_WORDS:
            raise ConfigError(
                f"LMS_SSO_CREATE_PEOPLE is {switch!r}; use true or false (1/0, on/off)."
            )
        switch = SWITCH_WORDS[str(switch).strip().lower()]
    config["SSO_CREATE_PEOPLE"] = switch
    domains = config["SSO_CREATE_DOMAINS"]
    if isinstance(domains, str):
        domains = domains.split(",")
    cleaned = [d.strip().lower().removeprefix("@") for d in domains if d.strip()]
    if bad := [d for d in cleaned if not _DOMAIN.fullmatch(d)]:
        raise ConfigError(
            f"LMS_SSO_CREATE_DOMAINS has {bad[0]!r}, which is not a domain: give the part "
            "after the @ of your company's addresses, e.g. example.com."
        )
    if switch and not cleaned:
        raise ConfigError(
            "LMS_SSO_CREATE_PEOPLE is on but LMS_SSO_CREATE_DOMAINS is empty: list the email "
            "domains whose people may be created at first sign-in (comma-separated, e.g. "
            "example.com,example.co.uk), so nobody from elsewhere gets an account."
        )
    config["SSO_CREATE_DOMAINS"] = frozenset(cleaned)


def _instance_secret(instance: Path) -> str:
    """A development key made once and kept in instance/, so sessions survive restarts."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()
