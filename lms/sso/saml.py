"""SAML 2.0 sign-in (service provider) with pysaml2: settings, SP metadata, and checking a
posted response down to the one active person it names. No Flask here."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.response import AuthnResponse
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms import clock
from lms.messages import N_, Message
from lms.people.models import Employee
from lms.sso.models import SamlAssertionSeen
from lms.sso.provisioning import (
    CreationRefused,
    CreationSettings,
    NewPerson,
    SignInPerson,
    create_person,
)

MATCHES = ("email", "employee_id")
NAME_ID = "NameID"
METADATA_PATH = "/sso/saml/metadata"
ACS_PATH = "/sso/saml/acs"
REPLAY_KEEP = timedelta(hours=1)  # when an assertion says no NotOnOrAfter (pysaml2 needs one)


class SamlConfigError(RuntimeError):
    """The SAML settings cannot work; the message names the setting."""


class SamlRefused(Exception):
    """A posted response that signs nobody in. `reason` is for the security log (never the
    assertion itself); `message` is for the person."""

    def __init__(self, reason: str, message: Message) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message


NOT_ACCEPTED = N_(
    "Your company's sign-in service sent a response Postwise cannot accept (it was not "
    "signed, not meant for Postwise, too old, or already used). Start again from the "
    "sign-in page; if it keeps happening, tell your IT team."
)
NOT_FOUND_BY_EMAIL = N_(
    "You signed in with your company account, but Postwise has no active person for it. "
    "Ask your HR admin to check that you are in the people list with the same email address."
)
NOT_FOUND_BY_ID = N_(
    "You signed in with your company account, but Postwise has no active person for it. "
    "Ask your HR admin to check that you are in the people list with the same employee id."
)


@dataclass(frozen=True)
class SamlSettings:
    """The LMS_SAML_* settings, checked."""

    base_url: str
    metadata_file: str
    metadata_url: str
    key_file: str
    cert_file: str
    match: str
    email_attribute: str
    employee_id_attribute: str
    first_name_attributes: tuple[str, ...] = ()
    last_name_attributes: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SamlSettings | None:
        """None when SAML is off (no IdP metadata set)."""
        metadata_file = config.get("SAML_IDP_METADATA_FILE") or ""
        metadata_url = config.get("SAML_IDP_METADATA_URL") or ""
        if not metadata_file and not metadata_url:
            return None
        settings = cls(
            base_url=str(config["BASE_URL"]).rstrip("/"),
            metadata_file=str(metadata_file),
            metadata_url=str(metadata_url),
            key_file=str(config.get("SAML_SP_KEY_FILE") or ""),
            cert_file=str(config.get("SAML_SP_CERT_FILE") or ""),
            match=str(config.get("SAML_MATCH") or "email").lower(),
            email_attribute=str(config.get("SAML_EMAIL_ATTRIBUTE") or NAME_ID),
            employee_id_attribute=str(config.get("SAML_EMPLOYEE_ID_ATTRIBUTE") or ""),
            first_name_attributes=_names(config.get("SAML_FIRST_NAME_ATTRIBUTE")),
            last_name_attributes=_names(config.get("SAML_LAST_NAME_ATTRIBUTE")),
        )
        settings.check()
        return settings

    def check(self) -> None:
        if self.match not in MATCHES:
            raise SamlConfigError(f"LMS_SAML_MATCH is {self.match!r}; use email or employee_id.")
        if self.match == "employee_id" and not self.employee_id_attribute:
            raise SamlConfigError(
                "LMS_SAML_MATCH is employee_id, so set LMS_SAML_EMPLOYEE_ID_ATTRIBUTE to the "
                "name of the attribute (or NameID) that carries it."
            )
        if not self.key_file or not self.cert_file:
            raise SamlConfigError(
                "SAML is on (IdP metadata is set) but LMS_SAML_SP_KEY_FILE or "
                "LMS_SAML_SP_CERT_FILE is not: give the paths of the SP's private key and "
                "certificate (PEM)."
            )
        if shutil.which("xmlsec1") is None:
            raise SamlConfigError(
                "SAML needs the xmlsec1 program to check signatures: apt-get install xmlsec1."
            )

    @property
    def entity_id(self) -> str:
        return self.base_url + METADATA_PATH

    @property
    def acs_url(self) -> str:
        return self.base_url + ACS_PATH


def sp_config(settings: SamlSettings) -> SPConfig:
    """pysaml2's SP configuration; loading it reads (or, for a URL, fetches) the IdP metadata,
    once, when the app is configured."""
    metadata: dict[str, Any] = {}
    if settings.metadata_file:
        metadata["local"] = [settings.metadata_file]
    if settings.metadata_url:
        metadata["remote"] = [{"url": settings.metadata_url}]
    config = SPConfig()
    try:
        config.load(
            {
                "entityid": settings.entity_id,
                "xmlsec_binary": shutil.which("xmlsec1"),
                "key_file": settings.key_file,
                "cert_file": settings.cert_file,
                "metadata": metadata,
                "accepted_time_diff": 60,  # seconds of clock drift between IdP and us
                "service": {
                    "sp": {
                        "name": "Postwise",
                        "endpoints": {
                            "assertion_consumer_service": [(settings.acs_url, BINDING_HTTP_POST)]
                        },
                        "want_assertions_signed": True,
                        "want_response_signed": False,
                        "authn_requests_signed": False,
                        # IdP-initiated sign-in (an app tile) has no request of ours to answer;
                        # replay is refused by the assertion id table instead.
                        "allow_unsolicited": True,
                    }
                },
            }
        )
    except Exception as problem:  # pysaml2 raises many kinds; all mean the settings are wrong
        source = settings.metadata_file or settings.metadata_url
        raise SamlConfigError(
            f"The SAML settings could not be loaded (IdP metadata {source}, SP key "
            f"{settings.key_file}, certificate {settings.cert_file}): {problem}"
        ) from problem
    if not list(config.metadata.identity_providers()):
        raise SamlConfigError(
            f"The IdP metadata ({settings.metadata_file or settings.metadata_url}) names no "
            "identity provider."
        )
    return config


def sp_metadata(config: SPConfig) -> str:
    """The SP's metadata XML for the IdP's administrator: public certificate, no secrets."""
    return create_metadata_string(None, config=config, valid=24 * 30).decode()


def login_redirect(config: SPConfig, relay_state: str = "") -> str:
    """The IdP URL that starts an SP-initiated sign-in (HTTP-Redirect binding)."""
    client = Saml2Client(config)
    idp = next(iter(config.metadata.identity_providers()))
    _request_id, info = client.prepare_for_authenticate(
        entityid=idp, relay_state=relay_state, binding=BINDING_HTTP_REDIRECT
    )
    return dict(info["headers"])["Location"]


def sign_in_from_response(
    session: Session,
    config: SPConfig,
    settings: SamlSettings,
    saml_response: str,
    creation: CreationSettings,
) -> SignInPerson:
    """The active person a posted SAMLResponse names, after pysaml2 checks its signature,
    audience, destination, recipient and validity window and we check it was not used before;
    with creation on, someone unknown is created. Raises SamlRefused."""
    client = Saml2Client(config)
    try:
        response = client.parse_authn_request_response(saml_response, BINDING_HTTP_POST)
    except Exception as problem:  # every pysaml2 refusal: unsigned, expired, wrong audience...
        # pysaml2's own words (e.g. "Signature missing for assertion"), never the assertion.
        reason = f"response refused ({type(problem).__name__}: {str(problem)[:160]})"
        raise SamlRefused(reason, NOT_ACCEPTED) from None
    if response is None or response.assertion is None:
        raise SamlRefused("response refused (wrong destination, or no assertion)", NOT_ACCEPTED)
    _remember_assertion(session, response)
    value = _attribute(response, _attribute_name(settings))
    employee = _employee(session, settings, value) if value else None
    if employee is not None and employee.is_active:
        return SignInPerson(employee)
    if employee is not None:  # never reactivated, whatever the creation setting
        raise SamlRefused("inactive person", _not_found(settings))
    if not creation.enabled:
        state = "unknown person" if value else f"assertion lacks {_attribute_name(settings)}"
        raise SamlRefused(state, _not_found(settings))
    try:
        created = create_person(session, creation, _new_person(response, settings), via="SAML")
    except CreationRefused as refused:
        raise SamlRefused(refused.reason, refused.message) from None
    return SignInPerson(created, created=True)


def _new_person(response: AuthnResponse, settings: SamlSettings) -> NewPerson:
    """A new person from the assertion: the email, names and (if sent) employee id."""
    hris_id = _attribute(response, settings.employee_id_attribute) or None
    if settings.match == "employee_id" and hris_id is None:
        raise CreationRefused(
            f"not created: assertion lacks {settings.employee_id_attribute}",
            N_(
                "Your company sign-in did not send your employee ID, so Postwise cannot create "
                "your account. Ask your HR admin to add you to Postwise."
            ),
        )
    return NewPerson(
        email=_attribute(response, settings.email_attribute),
        first_name=_first_of(response, settings.first_name_attributes),
        last_name=_first_of(response, settings.last_name_attributes),
        hris_id=hris_id,
    )


def _first_of(response: AuthnResponse, names: tuple[str, ...]) -> str:
    return next((value for name in names if (value := _attribute(response, name))), "")


def _names(setting: object) -> tuple[str, ...]:
    """A comma-separated setting (or a list in instance/config.py) as attribute names."""
    names = setting.split(",") if isinstance(setting, str) else list(setting or [])
    return tuple(str(name).strip() for name in names if str(name).strip())


def _remember_assertion(session: Session, response: AuthnResponse) -> None:
    """Accept an assertion id once only, across processes; forget expired ones."""
    assertion_id = str(response.assertion.id)
    session.execute(delete(SamlAssertionSeen).where(SamlAssertionSeen.expires_at < clock.now()))
    if session.get(SamlAssertionSeen, assertion_id) is not None:
        raise SamlRefused("replayed assertion", NOT_ACCEPTED)
    try:
        with session.begin_nested():
            session.add(SamlAssertionSeen(assertion_id=assertion_id, expires_at=_expiry(response)))
    except IntegrityError:  # another process took it at the same moment
        raise SamlRefused("replayed assertion", NOT_ACCEPTED) from None


def _expiry(response: AuthnResponse) -> datetime:
    conditions = response.assertion.conditions
    if conditions is not None and conditions.not_on_or_after:
        moment = datetime.fromisoformat(conditions.not_on_or_after)  # "...Z": aware, UTC
        return moment.astimezone(UTC) + timedelta(seconds=60)  # the accepted clock drift
    return clock.now() + REPLAY_KEEP


def _attribute_name(settings: SamlSettings) -> str:
    return settings.email_attribute if settings.match == "email" else settings.employee_id_attribute


def _not_found(settings: SamlSettings) -> Message:
    return NOT_FOUND_BY_EMAIL if settings.match == "email" else NOT_FOUND_BY_ID


def _attribute(response: AuthnResponse, name: str) -> str:
    """The NameID, or the first value of the attribute with this name or friendly name."""
    if not name:
        return ""
    if name == NAME_ID:
        return (response.name_id.text or "").strip() if response.name_id is not None else ""
    for statement in response.assertion.attribute_statement or []:
        for attribute in statement.attribute:
            if name.lower() in {
                (attribute.name or "").lower(),
                (attribute.friendly_name or "").lower(),
            }:
                for value in attribute.attribute_value:
                    if value.text and value.text.strip():
                        return value.text.strip()
    return ""


def _employee(session: Session, settings: SamlSettings, value: str) -> Employee | None:
    if settings.match == "email":
        return session.scalar(select(Employee).where(func.lower(Employee.email) == value.lower()))
    return session.scalar(select(Employee).where(Employee.hris_id == value))
