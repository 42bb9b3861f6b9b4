"""SCIM's preferredLanguage: the person's directory language, never their own choice."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from lms.people.models import Employee
from tests.scim.conftest import new_user, patch


def _languages(db, hris_id: str = "E100") -> tuple[str | None, str | None]:
    """(own choice, directory language), as committed."""
    db.rollback()
    row = db.execute(
        select(Employee.language, Employee.directory_language).where(Employee.hris_id == hris_id)
    ).one()
    return tuple(row)


def test_post_get_put_patch_and_remove(scim, db, org):
    created = scim("POST", "/Users", json=new_user(preferredLanguage="de-DE"))
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["preferredLanguage"] == "de-DE"  # as sent; stored as de
    user_id = created.get_json()["id"]
    assert _languages(db) == (None, "de")
    assert scim("GET", f"/Users/{user_id}").get_json()["preferredLanguage"] == "de-DE"

    replaced = scim("PUT", f"/Users/{user_id}", json=new_user(preferredLanguage="fr-CA, en;q=0.5"))
    assert (
        replaced.status_code == 200
        and replaced.get_json()["preferredLanguage"] == "fr-CA, en;q=0.5"
    )
    assert _languages(db) == (None, "fr")

    changed = scim(
        "PATCH",
        f"/Users/{user_id}",
        json=patch({"op": "replace", "path": "preferredLanguage", "value": "es"}),
    )
    assert changed.status_code == 200 and changed.get_json()["preferredLanguage"] == "es"
    assert _languages(db) == (None, "es")

    removed = scim(
        "PATCH", f"/Users/{user_id}", json=patch({"op": "remove", "path": "preferredLanguage"})
    )
    assert removed.status_code == 200 and "preferredLanguage" not in removed.get_json()
    assert _languages(db) == (None, None)


def test_a_put_without_it_clears_it(scim, db, org):
    user_id = scim("POST", "/Users", json=new_user(preferredLanguage="de")).get_json()["id"]
    assert scim("PUT", f"/Users/{user_id}", json=new_user()).status_code == 200
    assert _languages(db) == (None, None)


def test_a_sync_never_touches_the_persons_own_choice(scim, db, org):
    user_id = scim("POST", "/Users", json=new_user(preferredLanguage="de")).get_json()["id"]
    db.execute(update(Employee).where(Employee.hris_id == "E100").values(language="es"))
    db.commit()
    scim("PUT", f"/Users/{user_id}", json=new_user(preferredLanguage="fr"))
    assert _languages(db) == ("es", "fr")
    assert scim("GET", f"/Users/{user_id}").get_json()["preferredLanguage"] == "fr"


@pytest.mark.parametrize("value", ["ja-JP", "nl, ja;q=0.5", "not a language!", "c9bf9e57-1685"])
def test_a_value_naming_no_language_we_speak_stores_none_and_reads_back_as_sent(
    scim, db, org, value
):
    """No reason to refuse a person: they see their browser's language. The provider reads
    back what it sent, so it sees nothing to correct on its next cycle."""
    created = scim("POST", "/Users", json=new_user(preferredLanguage=value))
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["preferredLanguage"] == value
    assert _languages(db) == (None, None)
    user_id = created.get_json()["id"]
    assert scim("GET", f"/Users/{user_id}").get_json()["preferredLanguage"] == value


def test_a_tag_reads_back_as_sent_until_the_hris_names_another_language(scim, db, org):
    user_id = scim("POST", "/Users", json=new_user(preferredLanguage="de-AT")).get_json()["id"]
    assert scim("GET", f"/Users/{user_id}").get_json()["preferredLanguage"] == "de-AT"
    db.execute(update(Employee).where(Employee.hris_id == "E100").values(directory_language="fr"))
    db.commit()
    assert scim("GET", f"/Users/{user_id}").get_json()["preferredLanguage"] == "fr"


def test_a_value_too_long_to_keep_is_an_invalid_value_and_changes_nothing(scim, db, org):
    user_id = scim("POST", "/Users", json=new_user(preferredLanguage="de")).get_json()["id"]
    response = scim(
        "PATCH",
        f"/Users/{user_id}",
        json=patch({"op": "replace", "path": "preferredLanguage", "value": "de, " * 60}),
    )
    assert response.status_code == 400
    error = response.get_json()
    assert error["scimType"] == "invalidValue"
    assert error["detail"] == (
        "preferredLanguage: 240 characters; the most Postwise keeps is 200 "
        "(it speaks en, de, fr, es)"
    )
    assert _languages(db) == (None, "de")


def test_the_published_user_schema_lists_it(scim, org):
    schema = scim("GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User").get_json()
    assert "preferredLanguage" in {attribute["name"] for attribute in schema["attributes"]}


def test_a_nul_in_it_is_refused_before_anything_is_stored(scim, db, org):
    response = scim("POST", "/Users", json=new_user(preferredLanguage="de\x00"))
    assert response.status_code == 400
    assert response.get_json()["scimType"] == "invalidValue"
    assert response.get_json()["detail"].startswith("preferredLanguage: holds ")
    db.rollback()
    assert db.scalar(select(Employee).where(Employee.hris_id == "E100")) is None
