"""The language the HRIS names for a person (Employee.directory_language): read from the
import's language column, kept apart from the person's own choice, and used after it."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select, text

from lms import migrations
from lms.db import make_engine
from lms.people.hris import HrisFileError, parse_hris_csv
from lms.people.importer import import_people, preview_import
from lms.people.models import Employee
from tests.helpers import csrf_token
from tests.people.hris_files import HEADER, MAX_BYTES, csv_file, person_row

WITH_LANGUAGE = f"{HEADER},language"  # the language column is K


def _row(employee_id: str, language: str, **values: str) -> str:
    return f"{person_row(employee_id, **values)},{language}"


def _languages(db) -> dict[str, tuple[str | None, str | None]]:
    """Each person's (own choice, directory language), as committed."""
    db.rollback()
    rows = db.execute(select(Employee.hris_id, Employee.language, Employee.directory_language))
    return {hris_id: (own, directory) for hris_id, own, directory in rows}


def _import(db, data: bytes) -> str:
    summary = import_people(db, data, max_bytes=MAX_BYTES)
    db.commit()
    return str(summary)


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        ("de", "de"),
        ("FR", "fr"),
        (" es ", "es"),
        ("de-CH", "de"),
        ("fr_FR", "fr"),
        ("en-GB", "en"),
        ("", None),
    ],
)
def test_the_language_column_reads_a_code_or_a_tag_as_the_language_we_speak(cell, stored):
    data = csv_file(_row("E1", cell), header=WITH_LANGUAGE)
    (record,) = parse_hris_csv(data, max_bytes=MAX_BYTES).records
    assert record.language == stored


def test_a_file_without_the_column_names_no_language():
    (record,) = parse_hris_csv(csv_file(person_row("E1")), max_bytes=MAX_BYTES).records
    assert record.language is None


@pytest.mark.parametrize("cell", ["nl", "Deutsch", "de-", "x", "12"])
def test_a_language_we_do_not_speak_is_a_row_problem_naming_the_choices(cell, db):
    data = csv_file(_row("E1", "de"), _row("E2", cell), header=WITH_LANGUAGE)
    with pytest.raises(HrisFileError) as refused:
        import_people(db, data, max_bytes=MAX_BYTES)
    assert str(refused.value) == (
        f"row 3, column K (language): {cell!r} is not a language Postwise speaks; use en, de, "
        "fr, es (a tag such as de-CH or fr_FR also works), or leave it empty"
    )
    db.rollback()
    assert _languages(db) == {}  # not even the good row 2


def test_a_bad_language_changes_nobody_already_in_postwise(db, make_employee):
    make_employee(hris_id="E1", email="e1@example.com", first_name="Ann", last_name="Lee")
    db.execute(text("UPDATE employees SET directory_language = 'fr'"))
    db.commit()
    data = csv_file(_row("E1", "nl", department="Legal"), header=WITH_LANGUAGE)
    with pytest.raises(HrisFileError, match="row 2, column K"):
        import_people(db, data, max_bytes=MAX_BYTES)
    db.rollback()
    assert _languages(db) == {"E1": (None, "fr")}
    assert db.scalar(select(Employee.department)) == "Marketing"


def test_an_import_sets_and_clears_the_directory_language_never_the_own_choice(db, make_employee):
    make_employee(hris_id="E1", email="e1@example.com", language="es")
    make_employee(hris_id="E2", email="e2@example.com")
    first = csv_file(_row("E1", "de-CH"), _row("E2", "fr"), header=WITH_LANGUAGE)
    assert _import(db, first) == "created 0, updated 2, deactivated 0, unchanged 0"
    assert _languages(db) == {"E1": ("es", "de"), "E2": (None, "fr")}
    assert _import(db, first) == "created 0, updated 0, deactivated 0, unchanged 2"
    cleared = csv_file(_row("E1", ""), _row("E2", "fr"), header=WITH_LANGUAGE)
    assert _import(db, cleared) == "created 0, updated 1, deactivated 0, unchanged 1"
    assert _languages(db) == {"E1": ("es", None), "E2": (None, "fr")}


def test_a_file_without_the_column_leaves_the_directory_languages_as_they_are(db):
    _import(db, csv_file(_row("E1", "de"), header=WITH_LANGUAGE))
    assert _import(db, csv_file(person_row("E1"))) == (
        "created 0, updated 0, deactivated 0, unchanged 1"
    )
    assert _import(db, csv_file(person_row("E1", department="Legal"))) == (
        "created 0, updated 1, deactivated 0, unchanged 0"
    )
    assert _languages(db) == {"E1": (None, "de")}


def test_the_preview_names_a_language_change(db):
    _import(db, csv_file(_row("E1", "de"), header=WITH_LANGUAGE))
    preview = preview_import(
        db, csv_file(_row("E1", "fr"), header=WITH_LANGUAGE), max_bytes=MAX_BYTES
    )
    (change,) = preview.changed.first
    assert change.detail == "language"


# ------------------------------------------------------------------ which language is shown

NAV = {"en": "People", "de": "Personen", "fr": "Personnes", "es": "Personas"}


@pytest.mark.parametrize(
    ("own", "directory", "browser", "shown"),
    [
        ("es", "de", "fr", "es"),  # their own choice first
        (None, "de", "fr", "de"),  # then the directory's
        (None, None, "fr", "fr"),  # then the browser's
        (None, None, "nl", "en"),  # then the company's default
    ],
)
def test_own_choice_beats_the_directory_which_beats_the_browser(
    own, directory, browser, shown, login, org, db
):
    hr = org["hr"]
    db.execute(
        text(
            "UPDATE employees SET language = :own, directory_language = :directory WHERE id = :id"
        ),
        {"own": own, "directory": directory, "id": hr.id},
    )
    db.commit()
    page = login(hr).get("/", headers={"Accept-Language": browser}).text
    assert f'<html lang="{shown}">' in page and f">{NAV[shown]}</a>" in page


def test_clearing_the_own_choice_goes_back_to_the_directory_language_and_says_so(login, org, db):
    hr = org["hr"]
    db.execute(
        text("UPDATE employees SET language = 'fr', directory_language = 'de' WHERE id = :id"),
        {"id": hr.id},
    )
    db.commit()
    client = login(hr)
    client.post(
        "/settings/language",
        data={"csrf_token": csrf_token(client, "/"), "language": ""},
        headers={"Accept-Language": "es"},
    )
    page = client.get("/", headers={"Accept-Language": "es"}).text
    assert '<html lang="de">' in page and "Sprache von Postwise: Deutsch." in page
    assert _languages(db)[hr.hris_id] == (None, "de")  # the directory's is left as it was


# ------------------------------------------------------------------ the schema


def test_schema_0023_adds_the_directory_language_to_a_0022_database(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/old.sqlite3")
    migrations.upgrade(engine, "0022")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO employees (hris_id, email, first_name, last_name, is_active, "
                "is_hr_admin, session_version, weekly_digest, language, failed_sign_ins, "
                "created_at, updated_at) VALUES ('E1', 'a@example.com', 'A', 'B', 1, 0, 1, 1, "
                "'fr', 0, '2026-01-01', '2026-01-01'), ('E2', 'b@example.com', 'C', 'D', 1, 0, "
                "1, 1, NULL, 0, '2026-01-01', '2026-01-01')"
            )
        )
    migrations.upgrade(engine, "0023")
    assert "directory_language" in {c["name"] for c in inspect(engine).get_columns("employees")}
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT hris_id, language, directory_language FROM employees ORDER BY hris_id")
        ).all()
    assert [tuple(row) for row in rows] == [("E1", "fr", None), ("E2", None, None)]
    engine.dispose()
