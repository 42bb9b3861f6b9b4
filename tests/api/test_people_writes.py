"""POST /api/v1/people and PATCH /api/v1/people/{id}: one-person HRIS imports, with the
import's rules, problems by field name, and nothing changed when anything is wrong."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from lms.audit.models import AuditEvent
from lms.people.models import Employee
from tests.api.conftest import caller

WRITE = ["write:people"]
NEW = {
    "employee_id": "E-900",
    "email": "Nia.New@Example.com",
    "first_name": "Nia",
    "last_name": "New",
    "department": "Sales",
    "hire_date": "2026-03-01",
}


@pytest.fixture
def call(app, make_client, org):
    return caller(app, make_client("Workday", scopes=WRITE))


def _people(db) -> list[tuple]:
    """Everyone as stored, to show that a refused write changed nothing."""
    db.rollback()
    return db.execute(
        select(
            Employee.hris_id,
            Employee.email,
            Employee.first_name,
            Employee.department,
            Employee.manager_id,
            Employee.is_active,
        ).order_by(Employee.id)
    ).all()


def test_a_new_person_is_imported_with_their_manager(call, db, org):
    made = call("POST", "/people", json={**NEW, "manager_email": org["lead"].email})
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["email"] == "nia.new@example.com"  # as the import stores addresses
    assert body["manager_email"] == org["lead"].email
    assert body["hire_date"] == "2026-03-01" and body["active"] is True
    assert made.headers["Location"] == f"http://postwise.test/api/v1/people/{body['id']}"
    stored = db.get(Employee, body["id"])
    assert (stored.hris_id, stored.manager_id) == ("E-900", org["lead"].id)
    [target] = db.scalars(
        select(AuditEvent.target).where(AuditEvent.action == "people.imported")
    ).all()
    assert target == "API call (client 'Workday') of 1 person"


def test_a_change_keeps_the_fields_not_sent(call, db, org):
    staff = org["staff"]
    changed = call(
        "PATCH", f"/people/{staff.id}", json={"department": "Legal", "manager_email": None}
    )
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert body["department"] == "Legal" and body["manager_email"] is None
    assert body["email"] == staff.email and body["first_name"] == staff.first_name
    db.refresh(staff)
    assert staff.manager_id is None and staff.department == "Legal"


def test_deactivating_through_the_api(call, db, org):
    changed = call("PATCH", f"/people/{org['staff2'].id}", json={"active": False})
    assert changed.status_code == 200 and changed.get_json()["active"] is False


@pytest.mark.parametrize(
    ("sent", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"first_name": "   "}, "first_name"),
        ({"department": "x" * 201}, "department"),
        ({"manager_email": "nobody@example.com"}, "manager_email"),
        ({"title": "Lead\x00"}, "title"),
        ({"hire_date": "03/01/2026"}, "hire_date"),
        ({"nickname": "Nia"}, "nickname"),
    ],
)
def test_bad_input_on_a_new_person_names_the_field(call, db, sent, field):
    before = _people(db)
    refused = call("POST", "/people", json={**NEW, **sent})
    assert refused.status_code == 422
    assert refused.mimetype == "application/problem+json"
    assert list(refused.get_json()["errors"]) == [field]
    assert field in refused.get_json()["detail"]
    assert _people(db) == before


def test_the_import_rules_apply_to_new_people(call, db, org):
    before = _people(db)
    taken = call("POST", "/people", json={**NEW, "email": org["staff"].email})
    assert taken.get_json()["errors"]["email"] == [
        f"{org['staff'].email!r} already belongs to employee {org['staff'].hris_id} in Postwise"
    ]
    again = call("POST", "/people", json={**NEW, "employee_id": org["staff"].hris_id})
    assert again.status_code == 422
    assert f"PATCH /api/v1/people/{org['staff'].id}" in again.get_json()["errors"]["employee_id"][0]
    missing = call("POST", "/people", json={"employee_id": "E-1"})
    assert missing.status_code == 422
    assert set(missing.get_json()["errors"]) == {"email", "first_name", "last_name"}
    assert _people(db) == before


def test_the_import_rules_apply_to_changes(call, db, org):
    before = _people(db)
    cycle = call("PATCH", f"/people/{org['senior'].id}", json={"manager_email": org["staff"].email})
    assert cycle.status_code == 422
    assert "reporting cycle" in cycle.get_json()["errors"]["manager_email"][0]
    last_admin = call("PATCH", f"/people/{org['hr'].id}", json={"active": False})
    assert last_admin.status_code == 422
    assert "every active HR admin" in last_admin.get_json()["errors"]["active"][0]
    moved = call("PATCH", f"/people/{org['lead'].id}", json={"email": org["outsider"].email})
    assert list(moved.get_json()["errors"]) == ["email"]
    assert call("PATCH", "/people/999999", json={"title": "x"}).status_code == 404
    assert call("PATCH", f"/people/{2**64}", json={"title": "x"}).status_code == 404
    assert _people(db) == before


def test_only_an_everyone_client_with_write_people_may_write(app, db, make_client, org):
    before = _people(db)
    reader = caller(app, make_client(scopes=["read:people"]))
    line_only = caller(app, make_client(scopes=WRITE, manager=org["senior"].email))
    for call in (reader, line_only):
        assert call("POST", "/people", json=NEW).status_code == 403
        assert call("PATCH", f"/people/{org['staff'].id}", json={"title": "x"}).status_code == 403
    assert app.test_client().post("/api/v1/people", json=NEW).status_code == 401
    assert _people(db) == before


def test_a_repeated_create_with_its_key_adds_one_person(call, db):
    sent = {"headers": {"Idempotency-Key": "hire-e900"}, "data": json.dumps(NEW)}
    first = call("POST", "/people", content_type="application/json", **sent)
    again = call("POST", "/people", content_type="application/json", **sent)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    db.rollback()
    assert db.scalar(select(func.count()).where(Employee.hris_id == "E-900")) == 1


def test_a_repeated_change_with_its_key_is_replayed(call, db, org):
    sent = {"headers": {"Idempotency-Key": "move-1"}, "json": {"department": "Legal"}}
    first = call("PATCH", f"/people/{org['staff'].id}", **sent)
    other = call(
        "PATCH", f"/people/{org['staff'].id}", headers=sent["headers"], json={"title": "x"}
    )
    assert first.status_code == 200 and other.status_code == 422
    assert list(other.get_json()["errors"]) == ["Idempotency-Key"]


def test_the_directory_language_is_written_and_shown_never_the_own_choice(call, db, org):
    made = call("POST", "/people", json={**NEW, "language": "de-CH"})
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["language"] == "de"
    stored = db.get(Employee, body["id"])
    stored.language = "es"  # the person's own choice, through the chooser
    db.commit()
    changed = call("PATCH", f"/people/{body['id']}", json={"department": "Legal"})
    assert changed.get_json()["language"] == "de"  # kept when not sent
    cleared = call("PATCH", f"/people/{body['id']}", json={"language": None})
    assert cleared.status_code == 200 and cleared.get_json()["language"] is None
    db.rollback()
    own = db.execute(
        select(Employee.language, Employee.directory_language).where(Employee.id == body["id"])
    ).one()
    assert tuple(own) == ("es", None)


def test_a_language_postwise_does_not_speak_names_the_field(call, db, org):
    before = _people(db)
    refused = call("PATCH", f"/people/{org['staff'].id}", json={"language": "nl"})
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {
        "language": [
            "'nl' is not a language Postwise speaks; use en, de, fr, es (a tag such as de-CH "
            "or fr_FR also works), or leave it empty"
        ]
    }
    assert _people(db) == before
