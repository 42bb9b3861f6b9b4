"""SCIM Groups through the Flask test client, as Entra ID and Okta send them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.assignments.services import RuleSpec, create_rule, sync_assignments
from lms.audit.models import AuditEvent
from lms.learning.models import Enrollment
from lms.people.groups import DirectoryGroup, GroupMember
from lms.scim.models import ScimCall
from tests.scim.conftest import patch

GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


def new_group(name: str = "Marketing", *member_ids: int, **extra: object) -> dict:
    body = {
        "schemas": [GROUP],
        "displayName": name,
        "members": [{"value": str(i)} for i in member_ids],
    }
    body.update(extra)
    return body


def _members(db, group_id: str) -> set[int]:
    db.rollback()  # a fresh transaction: see what the app committed
    query = select(GroupMember.employee_id).where(GroupMember.group_id == int(group_id))
    return set(db.scalars(query))


def _create(scim, name: str = "Marketing", *member_ids: int, **extra: object) -> dict:
    created = scim("POST", "/Groups", json=new_group(name, *member_ids, **extra))
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def test_create_then_read_and_find_by_name_or_external_id(scim, db, org):
    staff = org["staff"]
    body = _create(scim, "Marketing", staff.id, externalId="entra-obj-1")
    assert body["displayName"] == "Marketing" and body["externalId"] == "entra-obj-1"
    assert body["members"] == [
        {"value": str(staff.id), "$ref": f"http://localhost/scim/v2/Users/{staff.id}"}
    ]
    assert body["meta"]["resourceType"] == "Group"
    assert _members(db, body["id"]) == {staff.id}
    shown = scim("GET", f"/Groups/{body['id']}")
    assert shown.status_code == 200 and shown.headers["ETag"] == body["meta"]["version"]
    for query in ('displayName eq "marketing"', 'externalId eq "entra-obj-1"'):
        found = scim("GET", f"/Groups?filter={query}").get_json()
        assert found["totalResults"] == 1 and found["Resources"][0]["id"] == body["id"]
    by_id = scim("GET", f'/Groups?filter=id eq "{body["id"]}"').get_json()
    assert by_id["totalResults"] == 1
    nothing = scim("GET", '/Groups?filter=displayName eq "Sales"').get_json()
    assert nothing["totalResults"] == 0


def test_pagination_and_unsupported_filters(scim, org):
    for name in ("A", "B", "C"):
        _create(scim, name)
    page = scim("GET", "/Groups?startIndex=2&count=1").get_json()
    assert (page["totalResults"], page["startIndex"], page["itemsPerPage"]) == (3, 2, 1)
    assert page["Resources"][0]["displayName"] == "B"
    refused = scim("GET", '/Groups?filter=displayName co "A"')
    assert refused.status_code == 400 and refused.get_json()["scimType"] == "invalidFilter"


def test_excluded_members_and_membership_checks_as_entra_asks(scim, org):
    body = _create(scim, "Marketing", org["staff"].id)
    for person, found in (("staff", 1), ("lead", 0)):
        query = f'id eq "{body["id"]}" and members eq "{org[person].id}"'
        checked = scim("GET", f"/Groups?filter={query}&attributes=id").get_json()
        assert checked["totalResults"] == found
    listed = scim("GET", '/Groups?excludedAttributes=members&filter=displayName eq "Marketing"')
    assert "members" not in listed.get_json()["Resources"][0]
    one = scim("GET", f"/Groups/{body['id']}?excludedAttributes=members").get_json()
    assert "members" not in one and one["displayName"] == "Marketing"


def test_entra_adds_and_removes_members(scim, db, org):
    staff, staff2, lead = org["staff"], org["staff2"], org["lead"]
    group_id = _create(scim, "Marketing", lead.id)["id"]
    added = scim(
        "PATCH",
        f"/Groups/{group_id}",
        json=patch({"op": "Add", "path": "members", "value": [{"value": str(staff.id)}]}),
    )
    assert added.status_code == 200, added.get_json()
    assert _members(db, group_id) == {lead.id, staff.id}
    # Entra ID removes with a value list, which RFC 7644 leaves undefined for remove.
    removed = scim(
        "PATCH",
        f"/Groups/{group_id}",
        json=patch(
            {"op": "Remove", "path": "members", "value": [{"value": str(lead.id)}]},
            {"op": "Add", "path": "members", "value": [{"value": str(staff2.id)}]},
        ),
    )
    assert removed.status_code == 200, removed.get_json()
    assert _members(db, group_id) == {staff.id, staff2.id}
    renamed = scim(
        "PATCH",
        f"/Groups/{group_id}",
        json=patch({"op": "Replace", "path": "displayName", "value": "Marketing EU"}),
    )
    assert renamed.get_json()["displayName"] == "Marketing EU"


def test_okta_removes_by_filter_and_replaces_members(scim, db, org):
    staff, staff2, lead = org["staff"], org["staff2"], org["lead"]
    group_id = _create(scim, "Sales", staff.id, staff2.id)["id"]
    removed = scim(
        "PATCH",
        f"/Groups/{group_id}",
        json=patch({"op": "remove", "path": f'members[value eq "{staff.id}"]'}),
    )
    assert removed.status_code == 200, removed.get_json()
    assert _members(db, group_id) == {staff2.id}
    replaced = scim(
        "PATCH",
        f"/Groups/{group_id}",
        json=patch(
            {
                "op": "replace",
                "value": {"id": group_id, "displayName": "Sales UK", "members": []},
            },
            {"op": "add", "path": "members", "value": [{"value": str(lead.id)}]},
        ),
    )
    assert replaced.status_code == 200, replaced.get_json()
    assert _members(db, group_id) == {lead.id}
    assert replaced.get_json()["displayName"] == "Sales UK"


def test_put_replaces_name_and_members(scim, db, org):
    staff, lead = org["staff"], org["lead"]
    group_id = _create(scim, "Sales", staff.id)["id"]
    response = scim("PUT", f"/Groups/{group_id}", json=new_group("Sales team", lead.id))
    assert response.status_code == 200, response.get_json()
    assert _members(db, group_id) == {lead.id}
    assert response.get_json()["displayName"] == "Sales team"


@pytest.mark.parametrize("unknown", ["999999", "not-an-id"])
def test_an_unknown_member_is_a_clear_error_and_changes_nothing(scim, db, org, unknown):
    staff = org["staff"]
    refused = scim(
        "POST",
        "/Groups",
        json=new_group("Sales", staff.id)
        | {"members": [{"value": str(staff.id)}, {"value": unknown}]},
    )
    assert refused.status_code == 400
    error = refused.get_json()
    assert error["scimType"] == "invalidValue"
    assert f"members: no user has the id {unknown!r}" in error["detail"]
    db.rollback()
    assert db.scalar(select(func.count()).select_from(DirectoryGroup)) == 0
    group_id = _create(scim, "Sales", staff.id)["id"]
    add = patch({"op": "add", "path": "members", "value": [{"value": unknown}]})
    response = scim("PATCH", f"/Groups/{group_id}", json=add)
    assert response.status_code == 400 and unknown in response.get_json()["detail"]
    assert _members(db, group_id) == {staff.id}


def test_a_nested_group_is_refused(scim, db, org):
    inner = _create(scim, "Inner")["id"]
    body = new_group("Outer") | {"members": [{"value": inner, "type": "Group"}]}
    refused = scim("POST", "/Groups", json=body)
    assert refused.status_code == 400 and "groups hold users only" in refused.get_json()["detail"]


def test_name_and_external_id_are_unique(scim, org):
    first = _create(scim, "Sales", externalId="okta-1")
    for body in (new_group("SALES"), new_group("Other", externalId="okta-1")):
        taken = scim("POST", "/Groups", json=body)
        assert taken.status_code == 409 and taken.get_json()["scimType"] == "uniqueness"
    second = _create(scim, "Support")
    renamed = scim("PUT", f"/Groups/{second['id']}", json=new_group("Sales"))
    assert renamed.status_code == 409
    kept = scim("PUT", f"/Groups/{first['id']}", json=new_group("Sales", externalId="okta-1"))
    assert kept.status_code == 200  # its own name is not someone else's


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (new_group(""), "displayName is required"),
        (new_group("x" * 257), "displayName is longer than 256 characters"),
    ],
)
def test_a_bad_name_is_refused(scim, db, org, body, detail):
    refused = scim("POST", "/Groups", json=body)
    assert refused.status_code == 400 and detail in refused.get_json()["detail"]


def test_delete_removes_the_group_and_its_memberships(scim, db, org):
    group_id = _create(scim, "Sales", org["staff"].id)["id"]
    assert scim("DELETE", f"/Groups/{group_id}").status_code == 204
    assert _members(db, group_id) == set()
    assert db.get(DirectoryGroup, int(group_id)) is None
    assert db.get(type(org["staff"]), org["staff"].id) is not None  # the person stays
    gone = scim("GET", f"/Groups/{group_id}")
    assert gone.status_code == 404 and gone.get_json()["status"] == "404"
    assert scim("DELETE", f"/Groups/{group_id}").status_code == 404


def test_etags_and_if_match(scim, db, org):
    body = _create(scim, "Sales")
    path = f"/Groups/{body['id']}"
    version = body["meta"]["version"]
    assert scim("GET", path, If_None_Match=version).status_code == 304
    change = patch({"op": "add", "path": "members", "value": [{"value": str(org["staff"].id)}]})
    changed = scim("PATCH", path, json=change, If_Match=version)
    assert changed.status_code == 200 and changed.headers["ETag"] != version
    stale = scim("PATCH", path, json=patch({"op": "remove", "path": "members"}), If_Match=version)
    assert stale.status_code == 412
    assert _members(db, body["id"]) == {org["staff"].id}
    assert scim("DELETE", path, If_Match=version).status_code == 412
    assert scim("DELETE", path, If_Match=changed.headers["ETag"]).status_code == 204


def test_changes_are_audited_and_calls_logged(scim, db, org):
    staff = org["staff"]
    group_id = _create(scim, "Sales", staff.id)["id"]
    scim("PATCH", f"/Groups/{group_id}", json=patch({"op": "remove", "path": "members"}))
    scim("GET", f"/Groups/{group_id}")
    scim("DELETE", f"/Groups/{group_id}")
    db.rollback()
    events = list(
        db.scalars(
            select(AuditEvent).where(AuditEvent.action.like("scim.group%")).order_by(AuditEvent.id)
        )
    )
    assert [(e.action, e.before, e.after) for e in events] == [
        (
            "scim.group_changed",
            None,
            f"Sales, externalId none, 1 member; added Sia Staff ({staff.hris_id})",
        ),
        (
            "scim.group_changed",
            "Sales, externalId none, 1 member",
            f"Sales, externalId none, 0 members; removed Sia Staff ({staff.hris_id})",
        ),
        ("scim.group_deleted", "Sales, externalId none, 0 members", None),
    ]
    assert "'Entra ID'" in events[0].target
    calls = [(c.method, c.status) for c in db.scalars(select(ScimCall).order_by(ScimCall.id))]
    assert calls == [("POST", 201), ("PATCH", 200), ("GET", 200), ("DELETE", 204)]


def test_discovery_offers_groups(scim, org):
    types = {t["id"]: t for t in scim("GET", "/ResourceTypes").get_json()["Resources"]}
    assert types["Group"]["endpoint"] == "/Groups"
    schema = scim("GET", f"/Schemas/{GROUP}").get_json()
    assert {a["name"] for a in schema["attributes"]} == {"displayName", "members"}
    assert scim("GET", "/ResourceTypes/Group").status_code == 200


def test_joining_a_group_assigns_its_course_at_once_and_leaving_withdraws_it(
    scim, db, org, shipped_courses
):
    staff, staff2 = org["staff"], org["staff2"]
    sales = _create(scim, "Sales", staff2.id)["id"]
    create_rule(db, RuleSpec("social-media-essentials", "groups", ("Sales",)), actor_id=None)
    sync_assignments(db)
    db.commit()

    def enrolled() -> dict[int, bool]:
        db.rollback()
        return {e.employee_id: e.withdrawn_at is not None for e in db.scalars(select(Enrollment))}

    add = patch({"op": "add", "path": "members", "value": [{"value": str(staff.id)}]})
    assert scim("PATCH", f"/Groups/{sales}", json=add).status_code == 200
    assert enrolled() == {staff.id: False, staff2.id: False}
    leave = patch({"op": "remove", "path": f'members[value eq "{staff.id}"]'})
    assert scim("PATCH", f"/Groups/{sales}", json=leave).status_code == 200
    assert enrolled() == {staff.id: True, staff2.id: False}
    assert scim("DELETE", f"/Groups/{sales}").status_code == 204
    assert enrolled() == {staff.id: True, staff2.id: True}


def test_search_groups_with_a_body(scim, org):
    marketing = _create(scim, "Marketing", org["staff"].id)["id"]
    _create(scim, "Sales")
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        "filter": 'displayName eq "Marketing"',
        "excludedAttributes": ["members"],
    }
    found = scim("POST", "/Groups/.search", json=body)
    assert found.status_code == 200, found.get_json()
    (group,) = found.get_json()["Resources"]
    assert group["id"] == marketing and "members" not in group
