"""The interface's language: the person's choice, else their browser's, else the company's;
catalogues are complete, well formed and read from their .po files."""

from __future__ import annotations

import pytest
from babel.messages.checkers import python_format
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from sqlalchemy import inspect, select, text

from lms import PROJECT_ROOT, migrations
from lms.catalogues import catalogue_path
from lms.config import ConfigError
from lms.db import make_engine
from lms.languages import LANGUAGES, SOURCE_LANGUAGE
from lms.people.models import Employee
from tests.helpers import csrf_token

TRANSLATED = [code for code in LANGUAGES if code != SOURCE_LANGUAGE]
NAV = {"en": "People", "de": "Personen", "fr": "Personnes", "es": "Personas"}


def _language(db, person):
    db.rollback()  # a fresh snapshot: the app committed in its own session
    return db.scalar(select(Employee.language).where(Employee.id == person.id))


def _home(client, **headers):
    page = client.get("/", headers=headers)
    assert page.status_code == 200
    return page.text


def test_the_browser_language_is_used_until_a_person_chooses(login, org, db):
    client = login(org["hr"])
    german = _home(client, **{"Accept-Language": "de-CH,de;q=0.9,en;q=0.5"})
    assert '<html lang="de">' in german and f">{NAV['de']}</a>" in german
    assert "Zum Inhalt springen" in german
    assert '<html lang="en">' in _home(client, **{"Accept-Language": "nl, ja"})  # none we speak
    assert '<html lang="en">' in _home(client)

    chosen = client.post(
        "/settings/language",
        data={"csrf_token": csrf_token(client, "/"), "language": "fr", "next": "/reports/audit"},
    )
    assert chosen.status_code == 302 and chosen.location == "/reports/audit"
    french = _home(client, **{"Accept-Language": "de"})  # the choice wins over the browser
    assert '<html lang="fr">' in french and "Langue de Postwise : Français." in french
    assert _language(db, org["hr"]) == "fr"

    client.post(
        "/settings/language",
        data={"csrf_token": csrf_token(client, "/"), "language": ""},
        headers={"Accept-Language": "es"},  # a browser sends it with every request
    )
    back = _home(client, **{"Accept-Language": "es"})
    assert '<html lang="es">' in back and "el idioma de tu navegador" in back


def test_an_unknown_language_or_an_outside_next_changes_nothing_harmful(login, org, db):
    client = login(org["staff"])
    refused = client.post(
        "/settings/language", data={"csrf_token": csrf_token(client, "/"), "language": "xx"}
    )
    assert refused.status_code == 400
    assert _language(db, org["staff"]) is None
    away = client.post(
        "/settings/language",
        data={"csrf_token": csrf_token(client, "/"), "language": "de", "next": "//evil.example"},
    )
    assert away.location == "/"


def test_error_pages_speak_the_language_too(client, login, org):
    missing = client.get("/no-such-page", headers={"Accept-Language": "fr"})
    assert missing.status_code == 404
    assert "Nous n'avons pas trouvé cette page" in missing.text and "Erreur 404" in missing.text
    staff = login(org["staff"])
    refused = staff.get("/admin/webhooks", headers={"Accept-Language": "de"})
    assert refused.status_code == 403 and "nicht für Ihre Rolle bestimmt" in refused.text
    english = client.get("/no-such-page")
    assert "We could not find that page" in english.text and "Error 404" in english.text


def test_sign_in_and_its_waits_speak_the_browser_language(client, make_employee):
    person = make_employee()
    german = {"Accept-Language": "de"}
    page = client.get("/sign-in", headers=german).text
    assert "Bei Postwise anmelden" in page and ">Passwort</label>" in page
    for _ in range(5):
        wrong = client.post(
            "/sign-in",
            data={
                "csrf_token": csrf_token(client, "/sign-in"),
                "email": person.email,
                "password": "wrong-password-guess",
            },
            headers=german,
        ).text
    assert "muss dieser Browser warten. Versuchen Sie es in 1 Minute noch einmal" in wrong
    blank = client.post(
        "/sign-in", data={"csrf_token": csrf_token(client, "/sign-in")}, headers=german
    ).text
    assert "Geben Sie Ihre geschäftliche E-Mail-Adresse ein." in blank


def test_the_company_default_serves_browsers_that_ask_for_nothing_we_speak(make_app, org):
    app = make_app(DEFAULT_LANGUAGE="es")
    page = app.test_client().get("/sign-in", headers={"Accept-Language": "nl"})
    assert '<html lang="es">' in page.text


def test_a_default_language_we_do_not_speak_stops_the_app_with_the_choices(make_app):
    with pytest.raises(ConfigError, match="LMS_DEFAULT_LANGUAGE is 'nl'; use one of en, de"):
        make_app(DEFAULT_LANGUAGE="nl")


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_catalogue_is_complete_and_keeps_its_placeholders(language):
    with catalogue_path(language).open("rb") as po:
        catalog = read_po(po, locale=language)
    messages = [m for m in catalog if m.id]
    assert messages, f"{language}: an empty catalogue"
    for message in messages:
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(forms), f"{language}: {message.id!r} is not translated (in every form)"
        assert not message.fuzzy, f"{language}: {message.id!r} is marked fuzzy"
        python_format(catalog, message)  # raises if a %(name)s is lost or renamed
    with catalogue_path("de").open("rb") as po:
        reference = {m.id for m in read_po(po) if m.id}
    assert {m.id for m in messages} == reference, f"{language} and de differ"


def test_schema_0022_adds_a_language_and_keeps_everyone_on_their_browser(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/old.sqlite3")
    migrations.upgrade(engine, "0021")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO employees (hris_id, email, first_name, last_name, is_active, "
                "is_hr_admin, session_version, weekly_digest, failed_sign_ins, created_at, "
                "updated_at) VALUES ('E1', 'a@example.com', 'A', 'B', 1, 0, 1, 1, 0, "
                "'2026-01-01', '2026-01-01')"
            )
        )
    migrations.upgrade(engine, "0022")
    assert "language" in {c["name"] for c in inspect(engine).get_columns("employees")}
    with engine.connect() as connection:
        assert connection.execute(text("SELECT language FROM employees")).scalar() is None
    engine.dispose()


def test_every_marked_string_is_in_every_catalogue():
    """What `pybabel extract -F babel.cfg` finds, each catalogue holds (docs/i18n.md)."""
    with (PROJECT_ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config, "babel.cfg")
    marked = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(PROJECT_ROOT, method_map, options_map)
    }
    assert "Sign out" in marked
    for language in TRANSLATED:
        with catalogue_path(language).open("rb") as po:
            held = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(po) if m.id}
        assert marked <= held, f"{language} lacks {sorted(marked - held)}"
