"""SCIM Users through the Flask test client: the HRIS import's rules, in SCIM words."""

from __future__ import annotations

from sqlalchemy import select

from lms.assignments.services import RuleSpec, create_rule
from lms.audit.models import AuditEvent
from lms.learning.models import Enrollment
from lms.people.models import Employee
from lms.scim.models import ScimCall, ScimToken
from lms.scim.tokens import revoke_token
from tests.scim.conftest import ENTERPRISE, new_user, patch

SCIM_JSON = "application/scim+json"


def _person(db, hris_id: str) -> Employee:
    db.rollback()  # a fresh transaction: see what the app committed
    query = select(Employee).where(Employee.hris_id == hris_id)
    return db.scalar(query.execution_options(populate_existing=True))


def test_create_then_find_by_user_name(scim, db, org):
    created = scim("POST", "/Users", json=new_user())
    assert created.status_code == 201, created.get_json()
    assert created.content_type == SCIM_JSON
    body = created.get_json()
    assert body["userName"] == "ada@example.com"
    assert body["externalId"] == "E100"
    assert body["meta"]["version"] == created.headers["ETag"]
    person = _person(db, "E100")
    assert (person.first_name, person.last_name, person.title, person.department) == (
        "Ada",
        "Lovelace",
        "Analyst",
        "Finance",
    )
    found = scim("GET", '/Users?filter=userName eq "ADA@example.com"').get_json()
    assert found["totalResults"] == 1 and found["Resources"][0]["id"] == body["id"]
    nobody = scim("GET", '/Users?filter=userName eq "nobody@example.com"').get_json()
    assert nobody["totalResults"] == 0 and nobody.get("Resources", []) == []


def test_pagination(scim, org):
    everyone = scim("GET", "/Users").get_json()["totalResults"]
    page = scim("GET", "/Users?startIndex=2&count=2").get_json()
    assert page["totalResults"] == everyone == len(org)
    assert (page["startIndex"], page["itemsPerPage"], len(page["Resources"])) == (2, 2, 2)


def test_unsupported_filter_is_a_scim_error(scim, org):
    response = scim("GET", '/Users?filter=title co "x"')
    assert response.status_code == 400
    assert response.get_json()["scimType"] == "invalidFilter"
    assert "title co" in response.get_json()["detail"]


def test_manager_by_scim_id_or_external_id(scim, db, org):
    lead = org["lead"]
    by_id = new_user(**{ENTERPRISE: {"manager": {"value": str(lead.id)}}})
    assert scim("POST", "/Users", json=by_id).status_code == 201
    assert _person(db, "E100").manager_id == lead.id
    by_hris = new_user(
        "E101", "bo@example.com", **{ENTERPRISE: {"manager": {"value": lead.hris_id}}}
    )
    assert scim("POST", "/Users", json=by_hris).status_code == 201
    assert _person(db, "E101").manager_id == lead.id


def test_unknown_manager_is_a_clear_error_and_changes_nothing(scim, db, org):
    body = new_user(**{ENTERPRISE: {"manager": {"value": "E999"}}})
    response = scim("POST", "/Users", json=body)
    assert response.status_code == 400
    error = response.get_json()
    assert error["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert error["status"] == "400" and error["scimType"] == "invalidValue"
    assert "manager.value 'E999' names nobody" in error["detail"]
    assert _person(db, "E100") is None


def test_existing_address_or_id_is_a_uniqueness_error(scim, org):
    taken = scim("POST", "/Users", json=new_user(email=org["staff"].email))
    assert taken.status_code == 409 and taken.get_json()["scimType"] == "uniqueness"
    assert org["staff"].hris_id in taken.get_json()["detail"]
    again = scim("POST", "/Users", json=new_user(org["staff"].hris_id, "new@example.com"))
    assert again.status_code == 409 and again.get_json()["scimType"] == "uniqueness"


def test_a_bad_address_is_refused_by_the_import_checks(scim, db, org):
    body = new_user()
    body["userName"] = "ada@example"  # the emails are fine: the import's own check refuses it
    response = scim("POST", "/Users", json=body)
    assert response.status_code == 400
    assert response.get_json()["detail"].startswith("userName: ")
    assert _person(db, "E100") is None


def test_replace_keeps_what_scim_does_not_know(scim, db, org):
    staff = org["staff"]
    staff.location = "Leeds"
    db.commit()
    body = new_user(staff.hris_id, staff.email, title="Senior analyst")
    response = scim("PUT", f"/Users/{staff.id}", json=body)
    assert response.status_code == 200, response.get_json()
    person = _person(db, staff.hris_id)
    assert (person.title, person.department, person.location) == (
        "Senior analyst",
        "Finance",
        "Leeds",
    )
    assert person.manager_id is None  # PUT replaces: no manager given, none kept


def test_a_new_external_id_renumbers_the_same_person(scim, db, org):
    staff, lead = org["staff"], org["lead"]
    taken = scim("PUT", f"/Users/{staff.id}", json=new_user(lead.hris_id, staff.email))
    assert taken.status_code == 409 and taken.get_json()["scimType"] == "uniqueness"
    response = scim("PUT", f"/Users/{staff.id}", json=new_user("NEW-7", staff.email))
    assert response.status_code == 200 and response.get_json()["externalId"] == "NEW-7"
    assert _person(db, "NEW-7").id == staff.id


def test_a_login_style_user_name_is_kept_and_the_address_taken_from_emails(scim, db, org):
    body = new_user(userName="ada.lovelace")
    created = scim("POST", "/Users", json=body)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["userName"] == "ada.lovelace"
    assert _person(db, "E100").email == "ada@example.com"
    found = scim("GET", '/Users?filter=userName eq "ada.lovelace"').get_json()
    assert found["totalResults"] == 1
    no_address = new_user("E101", userName="bo", emails=[])
    refused = scim("POST", "/Users", json=no_address)
    assert refused.status_code == 400 and "not an email address" in refused.get_json()["detail"]


def test_patch_title_department_manager_email_and_name(scim, db, org):
    staff, senior = org["staff"], org["senior"]
    response = scim(
        "PATCH",
        f"/Users/{staff.id}",
        json=patch(
            {"op": "replace", "path": "title", "value": "Team lead"},
            {"op": "replace", "path": f"{ENTERPRISE}:department", "value": "Legal"},
            {"op": "replace", "path": f"{ENTERPRISE}:manager", "value": {"value": str(senior.id)}},
            {"op": "replace", "path": "name.givenName", "value": "Sia-Marie"},
            {"op": "replace", "path": 'emails[type eq "work"].value', "value": "sia@example.com"},
        ),
    )
    assert response.status_code == 200, response.get_json()
    person = _person(db, staff.hris_id)
    assert (person.title, person.department, person.manager_id) == ("Team lead", "Legal", senior.id)
    assert (person.first_name, person.email) == ("Sia-Marie", "sia@example.com")
    removed = scim("PATCH", f"/Users/{staff.id}", json=patch({"op": "remove", "path": "title"}))
    assert removed.status_code == 200
    assert _person(db, staff.hris_id).title is None


def test_patch_active_false_deactivates_and_true_reactivates(scim, db, org):
    staff = org["staff"]
    off = scim(
        "PATCH", f"/Users/{staff.id}", json=patch({"op": "replace", "value": {"active": False}})
    )
    assert off.status_code == 200 and off.get_json()["active"] is False
    assert _person(db, staff.hris_id).is_active is False
    on = scim(
        "PATCH",
        f"/Users/{staff.id}",
        json=patch({"op": "replace", "path": "active", "value": True}),
    )
    assert on.get_json()["active"] is True


def test_delete_deactivates_keeps_the_person_and_forgets_them_for_scim(scim, db, org):
    staff = org["staff"]
    assert scim("DELETE", f"/Users/{staff.id}").status_code == 204
    person = _person(db, staff.hris_id)
    assert person is not None and person.is_active is False
    assert scim("GET", f"/Users/{staff.id}").status_code == 404
    gone = patch({"op": "replace", "path": "title", "value": "Back"})
    assert scim("PATCH", f"/Users/{staff.id}", json=gone).status_code == 404
    assert scim("DELETE", f"/Users/{staff.id}").status_code == 404
    listed = scim("GET", f'/Users?filter=userName eq "{staff.email}"').get_json()
    assert listed["totalResults"] == 0
    everyone = scim("GET", "/Users").get_json()["Resources"]
    assert str(staff.id) not in {user["id"] for user in everyone}


def test_someone_deleted_and_created_again_is_the_same_person(scim, db, org):
    staff = org["staff"]
    assert scim("DELETE", f"/Users/{staff.id}").status_code == 204
    again = scim("POST", "/Users", json=new_user(staff.hris_id, staff.email, title="Returner"))
    assert again.status_code == 201, again.get_json()
    assert again.get_json()["id"] == str(staff.id)
    person = _person(db, staff.hris_id)
    assert (person.is_active, person.title) == (True, "Returner")
    assert scim("GET", f"/Users/{staff.id}").status_code == 200


def test_someone_deleted_comes_back_by_address_when_no_external_id_is_sent(scim, db, org):
    staff = org["staff"]
    assert scim("DELETE", f"/Users/{staff.id}").status_code == 204
    body = new_user(staff.hris_id, staff.email)
    del body["externalId"]
    again = scim("POST", "/Users", json=body)
    assert again.status_code == 201 and again.get_json()["id"] == str(staff.id)
    assert _person(db, staff.hris_id).is_active is True  # their employee id is kept


def test_removing_external_id_unlinks_the_employee_id_and_keeps_the_person(scim, db, org):
    staff = org["staff"]
    old_id = staff.hris_id
    removed = scim(
        "PATCH", f"/Users/{staff.id}", json=patch({"op": "remove", "path": "externalId"})
    )
    assert removed.status_code == 200, removed.get_json()
    assert "externalId" not in removed.get_json()
    assert _person(db, old_id) is None  # the HRIS id is free for a new record
    person = db.get(Employee, staff.id, populate_existing=True)
    assert person.hris_id.startswith("scim-") and person.is_active
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "scim.user_renumbered")).one()
    assert (event.before, event.after) == (old_id, person.hris_id)
    put = scim("PUT", f"/Users/{staff.id}", json={**new_user("X", staff.email), "externalId": None})
    assert put.status_code == 200 and "externalId" not in put.get_json()


def test_a_user_created_without_an_external_id_shows_none(scim, db, org):
    body = new_user()
    del body["externalId"]
    created = scim("POST", "/Users", json=body)
    assert created.status_code == 201 and "externalId" not in created.get_json()


def test_search_with_a_body_filters_and_trims_attributes(scim, org):
    staff = org["staff"]
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        "filter": f'userName eq "{staff.email}"',
        "attributes": ["userName"],
        "startIndex": 1,
        "count": 10,
    }
    found = scim("POST", "/Users/.search", json=body)
    assert found.status_code == 200, found.get_json()
    listing = found.get_json()
    assert listing["totalResults"] == 1
    (user,) = listing["Resources"]
    assert user["userName"] == staff.email and "name" not in user
    everything = scim("POST", "/.search", json=body)
    assert everything.status_code == 501 and "/Users/.search" in everything.get_json()["detail"]
    bad = scim("POST", "/Users/.search", json={**body, "filter": "title co 1"})
    assert bad.status_code == 400 and bad.get_json()["scimType"] == "invalidFilter"


def test_the_last_hr_admin_is_never_deactivated(scim, db, org):
    hr = org["hr"]
    response = scim(
        "PATCH", f"/Users/{hr.id}", json=patch({"op": "replace", "path": "active", "value": False})
    )
    assert response.status_code == 400
    assert "every active HR admin" in response.get_json()["detail"]
    assert _person(db, hr.hris_id).is_active is True
    assert scim("DELETE", f"/Users/{hr.id}").status_code == 400
    assert _person(db, hr.hris_id).is_active is True


def test_if_match_with_an_old_version_is_refused(scim, db, org):
    staff = org["staff"]
    version = scim("GET", f"/Users/{staff.id}").headers["ETag"]
    change = patch({"op": "replace", "path": "title", "value": "First"})
    assert scim("PATCH", f"/Users/{staff.id}", json=change, If_Match=version).status_code == 200
    stale = patch({"op": "replace", "path": "title", "value": "Second"})
    response = scim("PATCH", f"/Users/{staff.id}", json=stale, If_Match=version)
    assert response.status_code == 412
    assert response.get_json()["status"] == "412"
    assert _person(db, staff.hris_id).title == "First"
    current = scim("GET", f"/Users/{staff.id}").headers["ETag"]
    assert scim("GET", f"/Users/{staff.id}", If_None_Match=current).status_code == 304


def test_unknown_user_is_a_scim_404(scim, org):
    response = scim("GET", "/Users/999999")
    assert response.status_code == 404 and response.content_type == SCIM_JSON
    assert response.get_json()["status"] == "404"


def test_no_token_or_a_revoked_token_is_refused(scim, db, token, org):
    assert scim("GET", "/Users", Authorization="").status_code == 401
    assert scim("GET", "/Users", Authorization="Bearer not-the-token").status_code == 401
    revoke_token(db, db.scalar(select(ScimToken.id)), actor_id=None)
    db.commit()
    response = scim("POST", "/Users", json=new_user())
    assert response.status_code == 401 and response.get_json()["status"] == "401"
    assert _person(db, "E100") is None


def test_changes_are_audited_and_calls_logged(scim, db, org):
    scim("POST", "/Users", json=new_user())
    scim(
        "POST",
        "/Users",
        json=new_user("E101", "x@example.com", **{ENTERPRISE: {"manager": {"value": "E999"}}}),
    )
    actions = list(db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-2:] == ["people.imported", "scim.user_changed"]
    imports = db.scalars(select(AuditEvent.target).where(AuditEvent.action == "people.imported"))
    assert set(imports) == {"SCIM call of 1 person"}  # not an HRIS file on the sign-in page
    event = db.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
    assert "Ada Lovelace (E100)" in event.target and "'Entra ID'" in event.target
    calls = list(db.scalars(select(ScimCall).order_by(ScimCall.id)))
    assert [(c.method, c.path, c.status) for c in calls] == [
        ("POST", "/scim/v2/Users", 201),
        ("POST", "/scim/v2/Users", 400),
    ]
    assert "E999" in calls[1].detail
    assert db.scalar(select(ScimToken.last_used_at)) is not None


def test_a_manager_moved_through_scim_takes_their_reports_into_the_new_line(
    scim, db, org, shipped_courses
):
    """A rule for the outsider's line: moving the lead under the outsider over SCIM assigns
    the lead and both of their reports, though only the lead's record changed."""
    lead, outsider = org["lead"], org["outsider"]
    create_rule(
        db,
        RuleSpec("social-media-essentials", "manager", manager_email=outsider.email),
        actor_id=org["hr"].id,
    )
    db.commit()
    moved = scim(
        "PATCH",
        f"/Users/{lead.id}",
        json=patch({"op": "replace", "path": f"{ENTERPRISE}:manager", "value": str(outsider.id)}),
    )
    assert moved.status_code == 200, moved.get_json()
    db.rollback()
    assigned = select(Enrollment.employee_id).where(Enrollment.withdrawn_at.is_(None))
    assert set(db.scalars(assigned)) == {lead.id, org["staff"].id, org["staff2"].id}
