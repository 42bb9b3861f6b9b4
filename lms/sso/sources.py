"""What HR's "Sign-in and provisioning" page shows: each way people get into Postwise, whether
it is on, and the facts an administrator needs to set it up, never a secret. No Flask here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from saml2.config import SPConfig
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import clock
from lms.audit.models import AuditEvent
from lms.messages import N_, Message
from lms.people.importer import FROM_FILE
from lms.people.models import Employee
from lms.scim import tokens
from lms.sso.oidc import CALLBACK_PATH, OidcSettings
from lms.sso.password_policy import BREAK_GLASS, break_glass_only
from lms.sso.saml import METADATA_PATH, NAME_ID, SamlSettings

SCIM_PATH = "/scim/v2"
RECENT = timedelta(days=7)
IMPORTED = "people.imported"


@dataclass(frozen=True)
class BreakGlassAdmin:
    email: str
    active_hr_admin: bool  # False: no such person, switched off, or not an HR admin


@dataclass(frozen=True)
class Passwords:
    everyone: bool
    break_glass: list[BreakGlassAdmin]
    break_glass_waits: bool  # break_glass is asked for, but OpenID Connect is off


@dataclass(frozen=True)
class Oidc:
    discovery_url: str
    client_id: str
    match: Message
    redirect_uri: str
    label: str


@dataclass(frozen=True)
class Saml:
    idp_entity_ids: list[str]
    sp_entity_id: str
    acs_url: str
    metadata_url: str
    match: Message


@dataclass(frozen=True)
class CreatePeople:
    on: bool
    domains: list[str]


@dataclass(frozen=True)
class Scim:
    tenant_url: str
    active_tokens: int
    counts: tokens.CallCounts


@dataclass(frozen=True)
class HrisImport:
    at: datetime
    by: str | None  # None: from the command line
    what: str


@dataclass(frozen=True)
class IdentitySources:
    passwords: Passwords
    oidc: Oidc | None
    saml: Saml | None
    create_people: CreatePeople
    scim: Scim
    hris_import: HrisImport | None


def identity_sources(
    config: Mapping[str, Any], session: Session, saml_config: SPConfig | None
) -> IdentitySources:
    """Every source of people and sign-ins, from the settings and a fixed few queries.

    `saml_config` is the SAML configuration loaded when the app started (its IdP metadata is
    read then, and never fetched again here).
    """
    base_url = str(config["BASE_URL"]).rstrip("/")
    return IdentitySources(
        passwords=_passwords(config, session),
        oidc=_oidc(config, base_url),
        saml=_saml(config, saml_config),
        create_people=_create_people(config),
        scim=Scim(
            tenant_url=base_url + SCIM_PATH,
            active_tokens=tokens.active_token_count(session),
            counts=tokens.call_counts(session, clock.now() - RECENT),
        ),
        hris_import=_last_import(session),
    )


def _passwords(config: Mapping[str, Any], session: Session) -> Passwords:
    emails = sorted(config["BREAK_GLASS_EMAILS"])
    admins: set[str] = set()
    if emails:
        admins = set(
            session.scalars(
                select(Employee.email).where(
                    Employee.email.in_(emails), Employee.is_active, Employee.is_hr_admin
                )
            )
        )
    only = break_glass_only(config)
    return Passwords(
        everyone=not only,
        break_glass=[BreakGlassAdmin(email, email in admins) for email in emails],
        break_glass_waits=config["PASSWORD_SIGN_IN"] == BREAK_GLASS and not only,
    )


def _oidc(config: Mapping[str, Any], base_url: str) -> Oidc | None:
    settings = OidcSettings.from_config(config)
    if settings is None:
        return None
    if settings.match_claim == "email":
        match = N_("email address (the email claim, when verified)")
    else:
        match = N_("employee ID (the %(claim)s claim)", claim=settings.employee_id_claim)
    return Oidc(
        discovery_url=settings.discovery_url,
        client_id=settings.client_id,
        match=match,
        redirect_uri=base_url + CALLBACK_PATH,
        label=settings.label,
    )


def _saml(config: Mapping[str, Any], saml_config: SPConfig | None) -> Saml | None:
    settings = SamlSettings.from_config(config)
    if settings is None:
        return None
    by_email = settings.match == "email"
    attribute = settings.email_attribute if by_email else settings.employee_id_attribute
    if attribute == NAME_ID:
        match = N_("email address (the NameID)") if by_email else N_("employee ID (the NameID)")
    elif by_email:
        match = N_("email address (the attribute %(attribute)s)", attribute=attribute)
    else:
        match = N_("employee ID (the attribute %(attribute)s)", attribute=attribute)
    idps = list(saml_config.metadata.identity_providers()) if saml_config is not None else []
    return Saml(
        idp_entity_ids=sorted(idps),
        sp_entity_id=settings.entity_id,
        acs_url=settings.acs_url,
        metadata_url=settings.base_url + METADATA_PATH,
        match=match,
    )


def _create_people(config: Mapping[str, Any]) -> CreatePeople:
    """Just-in-time creation at single sign-on; read with defaults so the page works whether
    or not that setting exists in this version."""
    domains = config.get("SSO_CREATE_DOMAINS", ())
    if isinstance(domains, str):
        domains = domains.split(",")
    return CreatePeople(on=bool(config.get("SSO_CREATE_PEOPLE", False)), domains=_cleaned(domains))


def _cleaned(domains: Iterable[str]) -> list[str]:
    return sorted({d.strip().lower() for d in domains if d.strip()})


def _last_import(session: Session) -> HrisImport | None:
    """The latest HRIS file import from its audit event (SCIM's single records are not one)."""
    row = session.execute(
        select(AuditEvent, Employee)
        .outerjoin(Employee, Employee.id == AuditEvent.actor_id)
        .where(AuditEvent.action == IMPORTED, AuditEvent.target.startswith(f"{FROM_FILE} of "))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    event, actor = row
    return HrisImport(at=event.at, by=actor.name if actor else None, what=event.target)
