"""What HR's sign-in and provisioning page reads: each identity source on and off, from the
settings and the database (lms.sso.sources)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy.orm import Session

from lms import clock
from lms.audit.services import record
from lms.dbsession import database
from lms.people.importer import import_people
from lms.scim import tokens
from lms.sso import saml_views
from lms.sso.sources import IdentitySources, identity_sources
from tests.sso.saml_idp import LoopbackIdP, saml_settings

OIDC = {
    "OIDC_DISCOVERY_URL": "https://login.example.com/.well-known/openid-configuration",
    "OIDC_CLIENT_ID": "postwise-client",
    "OIDC_CLIENT_SECRET": "client-secret-never-shown",
    "OIDC_LABEL": "Sign in with Example",
}


def _sources(app: Flask) -> IdentitySources:
    with app.app_context():
        session = database(app).sessions()
        try:
            return identity_sources(app.config, session, saml_views.loaded_config())
        finally:
            session.close()


def test_with_nothing_set_only_passwords_are_on(make_app: Callable[..., Flask]) -> None:
    sources = _sources(make_app())
    assert sources.passwords.everyone and sources.passwords.break_glass == []
    assert not sources.passwords.break_glass_waits
    assert sources.oidc is None and sources.saml is None
    assert not sources.create_people.on
    assert sources.scim.active_tokens == 0 and sources.scim.counts.last_at is None
    assert sources.scim.tenant_url == "http://postwise.test/scim/v2"
    assert sources.hris_import is None


def test_openid_connect_on_shows_what_to_register_and_no_secret(
    make_app: Callable[..., Flask],
) -> None:
    oidc = _sources(make_app(**OIDC, OIDC_MATCH_CLAIM="employee_id")).oidc
    assert oidc is not None
    assert oidc.discovery_url == OIDC["OIDC_DISCOVERY_URL"]
    assert oidc.client_id == "postwise-client" and oidc.label == "Sign in with Example"
    assert oidc.redirect_uri == "http://postwise.test/sso/oidc/callback"
    assert str(oidc.match) == "employee ID (the employee_id claim)"
    assert "client-secret-never-shown" not in repr(oidc)


def test_break_glass_lists_each_address_and_whether_it_is_an_active_hr_admin(
    make_app: Callable[..., Flask], make_employee: Callable[..., object]
) -> None:
    make_employee(email="hana@example.com", is_hr_admin=True)
    make_employee(email="left@example.com", is_hr_admin=True, is_active=False)
    make_employee(email="staff@example.com")
    emails = "Hana@example.com, left@example.com, staff@example.com, nobody@example.com"
    passwords = _sources(
        make_app(**OIDC, PASSWORD_SIGN_IN="break_glass", BREAK_GLASS_EMAILS=emails)
    ).passwords
    assert not passwords.everyone and not passwords.break_glass_waits
    assert [(a.email, a.active_hr_admin) for a in passwords.break_glass] == [
        ("hana@example.com", True),
        ("left@example.com", False),
        ("nobody@example.com", False),
        ("staff@example.com", False),
    ]


def test_break_glass_without_openid_connect_leaves_passwords_for_everyone(
    make_app: Callable[..., Flask],
) -> None:
    passwords = _sources(make_app(PASSWORD_SIGN_IN="break_glass")).passwords
    assert passwords.everyone and passwords.break_glass_waits


def test_saml_on_names_the_identity_provider_and_postwise_urls(
    make_app: Callable[..., Flask], saml_idp: LoopbackIdP, tmp_path: Path
) -> None:
    app = make_app(
        **saml_settings(tmp_path, saml_idp),
        SAML_MATCH="employee_id",
        SAML_EMPLOYEE_ID_ATTRIBUTE="employeeNumber",
    )
    saml = _sources(app).saml
    assert saml is not None
    assert saml.idp_entity_ids == [f"{saml_idp.url}/idp"]
    assert saml.sp_entity_id == saml.metadata_url == "http://postwise.test/sso/saml/metadata"
    assert saml.acs_url == "http://postwise.test/sso/saml/acs"
    assert str(saml.match) == "employee ID (the attribute employeeNumber)"
    default = _sources(make_app(**saml_settings(tmp_path, saml_idp))).saml
    assert default is not None and str(default.match) == "email address (the NameID)"


def test_create_people_at_first_sign_in_reads_its_domains(
    make_app: Callable[..., Flask],
) -> None:
    create = _sources(
        make_app(SSO_CREATE_PEOPLE=True, SSO_CREATE_DOMAINS=" Example.com,example.org,")
    ).create_people
    assert create.on and create.domains == ["example.com", "example.org"]
    listed = _sources(make_app(SSO_CREATE_PEOPLE=True, SSO_CREATE_DOMAINS=["b.com", "a.com"]))
    assert listed.create_people.domains == ["a.com", "b.com"]
    assert not _sources(make_app(SSO_CREATE_DOMAINS="example.com")).create_people.on


def test_scim_counts_tokens_and_the_last_weeks_calls(
    make_app: Callable[..., Flask], db: Session
) -> None:
    app = make_app()
    live = tokens.create_token(db, "Entra ID", actor_id=None).token
    old = tokens.create_token(db, "Old Okta", actor_id=None).token
    tokens.revoke_token(db, old.id, actor_id=None)
    clock.advance(timedelta(days=-8))
    tokens.log_call(db, live.id, "GET", "/scim/v2/Users", 200, None)  # too old to count
    clock.advance(timedelta(days=8))
    tokens.log_call(db, live.id, "POST", "/scim/v2/Users", 201, None)
    tokens.log_call(db, live.id, "POST", "/scim/v2/Users", 409, "userName is taken")
    tokens.log_call(db, None, "GET", "/scim/v2/Users", 401, "no valid token")
    db.commit()
    scim = _sources(app).scim
    assert scim.active_tokens == 1
    assert (scim.counts.calls, scim.counts.errors, scim.counts.complete) == (3, 2, True)
    assert scim.counts.last_at == clock.now()


def test_scim_counts_say_when_older_calls_were_purged(
    make_app: Callable[..., Flask], db: Session
) -> None:
    app = make_app()
    for _ in range(tokens.CALLS_KEPT + 5):
        tokens.log_call(db, None, "GET", "/scim/v2/Users", 401, None)
    db.commit()
    counts = _sources(app).scim.counts
    assert (counts.calls, counts.errors, counts.complete) == (200, 200, False)


def test_the_last_hris_file_import_and_who_ran_it_not_a_scim_record(
    make_app: Callable[..., Flask], db: Session, org: dict
) -> None:
    app = make_app()
    csv = (
        b"employee_id,email,first_name,last_name,department,title,location,manager_id,"
        b"hire_date,status\nE9,new@example.com,New,Person,Ops,,,,,active\n"
    )
    import_people(db, csv, max_bytes=10_000, actor_id=org["hr"].id)
    clock.advance(timedelta(hours=1))
    # SCIM's single records go through the same import, but they are not a file import.
    record(db, "people.imported", "SCIM call of 1 person", actor_id=None)
    db.commit()
    last = _sources(app).hris_import
    assert last is not None
    assert last.by == "Hana Rao" and last.what == "HRIS file of 1 person"
    assert last.at == clock.now() - timedelta(hours=1)
    clock.advance(timedelta(hours=1))
    import_people(db, csv, max_bytes=10_000)  # from the command line
    db.commit()
    cli = _sources(app).hris_import
    assert cli is not None and cli.by is None and cli.at == clock.now()
