"""/api/v1/assignment-rules: read, add and remove rules through HR's own services."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from lms.api.scopes import READ_ASSIGNMENTS, WRITE_ASSIGNMENTS
from lms.assignments.audience import audience
from lms.assignments.models import AssignmentRule
from lms.assignments.services import RuleSpec, create_rule
from lms.audit.models import AuditEvent
from lms.learning.models import Enrollment
from lms.people.groups import DirectoryGroup, GroupMember
from tests.api.conftest import get_token

ESSENTIALS = "social-media-essentials"
BOTH = [READ_ASSIGNMENTS, WRITE_ASSIGNMENTS]
PROBLEM = "application/problem+json"


@pytest.fixture
def as_client(app, make_client) -> Callable[..., Callable[..., object]]:
    """A caller for a new client: call(method, path, json=None, **headers)."""

    def make(scopes: list[str] | None = None, manager: str = "", name: str = "Workday"):
        new = make_client(name=name, scopes=scopes or BOTH, manager=manager)
        access = get_token(app, new).get_json()["access_token"]
        client = app.test_client()

        def call(method: str, path: str, json: object = None, **headers: str):
            headers.setdefault("Authorization", f"Bearer {access}")
            url = path if path.startswith("http") else f"/api/v1{path}"
            return client.open(url, method=method, json=json, headers=headers)

        return call

    return make


def _rule(db, spec: RuleSpec) -> AssignmentRule:
    rule = create_rule(db, spec, actor_id=None)
    db.commit()
    return rule


def _rules(db) -> int:
    db.rollback()  # a new transaction sees what the app committed
    return db.scalar(select(func.count()).select_from(AssignmentRule)) or 0


def _enrolled(db) -> set[int]:
    db.rollback()
    query = select(Enrollment.employee_id).where(Enrollment.withdrawn_at.is_(None))
    return set(db.scalars(query))


def test_create_saves_the_rule_enrols_people_and_is_audited(as_client, db, org, shipped_courses):
    call = as_client(name="Workday")
    response = call(
        "POST",
        "/assignment-rules",
        {"course": ESSENTIALS, "audience": "departments", "departments": ["Sales"], "due_days": 14},
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["course"] == ESSENTIALS and body["departments"] == ["Sales"]
    assert body["due_days"] == 14 and body["recertify_months"] is None
    assert response.headers["Location"] == f"/api/v1/assignment-rules/{body['id']}"
    rule = db.get(AssignmentRule, body["id"])
    assert rule is not None and rule.is_active and rule.audience == "departments"
    assert _enrolled(db) == {org["outsider"].id}  # the one person in Sales, enrolled at once
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "rule.created"))
    assert event.actor_id is None
    assert event.target.endswith(", through API client 'Workday'")
    assert call("GET", f"/assignment-rules/{body['id']}").get_json() == body


def test_every_audience_the_rules_have(as_client, db, org, shipped_courses):
    group = DirectoryGroup(display_name="Marketing")
    db.add(group)
    db.flush()
    db.add(GroupMember(group_id=group.id, employee_id=org["staff"].id))
    db.commit()
    call = as_client()
    asked = [
        ({"audience": "everyone"}, set(org)),
        ({"audience": "manager", "manager": org["senior"].email}, {"lead", "staff", "staff2"}),
        ({"audience": "groups", "groups": ["Marketing"]}, {"staff"}),
        ({"audience": "people", "people": [org["staff2"].email]}, {"staff2"}),
    ]
    for asked_for, covered in asked:
        response = call(
            "POST",
            "/assignment-rules",
            {
                "course": "social-media-guideline",
                "due_days": 30,
                "recertify_months": 12,
                **asked_for,
            },
        )
        assert response.status_code == 201, response.get_data(as_text=True)
        body = response.get_json()
        assert {k: body[k] for k in asked_for} == asked_for
        assert body["recertify_months"] == 12
        db.rollback()
        rule = db.get(AssignmentRule, body["id"])
        assert set(db.scalars(audience(rule))) == {org[name].id for name in covered}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"course": "no-such-course"}, "course"),
        ({"audience": "departments", "departments": ["Nowhere"]}, "departments"),
        ({"audience": "departments"}, "departments"),  # none chosen
        ({"audience": "groups", "groups": ["Nobody"]}, "groups"),
        ({"audience": "manager", "manager": "nobody@example.com"}, "manager"),
        ({"audience": "people", "people": ["nobody@example.com"]}, "people"),
        ({"due_days": -3}, "due_days"),
        ({"due_days": 0}, "due_days"),
        ({"recertify_months": 0}, "recertify_months"),
        ({"audience": "teams"}, "audience"),
        ({"colour": "blue"}, "colour"),  # an unknown field
        ({"departments": ["Sales"]}, "departments"),  # not for audience everyone
        ({"due_days": "soon"}, "due_days"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_saves_nothing(
    as_client, db, org, shipped_courses, change, field
):
    call = as_client()
    asked = {"course": ESSENTIALS, "audience": "everyone", "due_days": 14, **change}
    response = call("POST", "/assignment-rules", asked)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert set(body["errors"]) == {field}, body
    assert field in body["detail"]
    assert _rules(db) == 0 and _enrolled(db) == set()


def test_a_missing_field_and_a_body_that_is_not_json(as_client, db, shipped_courses):
    call = as_client()
    missing = call("POST", "/assignment-rules", {"audience": "everyone"})
    assert missing.status_code == 422
    assert set(missing.get_json()["errors"]) == {"course", "due_days"}
    text = call("POST", "/assignment-rules", None, **{"Content-Type": "text/plain"})
    assert text.status_code == 422 and text.mimetype == PROBLEM
    assert _rules(db) == 0


def test_delete_stops_the_rule_withdraws_and_is_audited(as_client, db, org, shipped_courses):
    rule = _rule(db, RuleSpec(ESSENTIALS, "everyone", due_days=7))
    call = as_client(name="BambooHR")
    made = call(
        "POST", "/assignment-rules", {"course": ESSENTIALS, "audience": "everyone", "due_days": 7}
    )
    assert made.status_code == 201
    assert _enrolled(db) == {p.id for p in org.values()}
    response = call("DELETE", f"/assignment-rules/{made.get_json()['id']}")
    assert response.status_code == 204 and response.get_data() == b""
    assert _enrolled(db) == {p.id for p in org.values()}  # the other rule still gives it
    assert call("DELETE", f"/assignment-rules/{rule.id}").status_code == 204
    assert _enrolled(db) == set()  # withdrawn, nothing deleted
    assert db.scalar(select(func.count()).select_from(Enrollment)) == len(org)
    for gone in (rule.id, made.get_json()["id"]):
        assert call("GET", f"/assignment-rules/{gone}").status_code == 404
        again = call("DELETE", f"/assignment-rules/{gone}")
        assert again.status_code == 404 and again.mimetype == PROBLEM
    removed = db.scalars(select(AuditEvent).where(AuditEvent.action == "rule.removed")).all()
    assert [e.target for e in removed] == [
        f"rule {made.get_json()['id']}, through API client 'BambooHR'",
        f"rule {rule.id}, through API client 'BambooHR'",
    ]


def test_unknown_ids_are_404_problems(as_client, db, shipped_courses):
    call = as_client()
    for unknown in (999999, 2**31, 2**64):
        for method in ("GET", "DELETE"):
            response = call(method, f"/assignment-rules/{unknown}")
            assert response.status_code == 404 and response.mimetype == PROBLEM


def test_scopes_decide_who_reads_and_who_writes(as_client, db, shipped_courses):
    rule = _rule(db, RuleSpec(ESSENTIALS, "everyone", due_days=7))
    new = {"course": ESSENTIALS, "audience": "everyone", "due_days": 7}
    reader = as_client(scopes=[READ_ASSIGNMENTS])
    assert reader("GET", "/assignment-rules").status_code == 200
    assert reader("POST", "/assignment-rules", new).status_code == 403
    assert reader("DELETE", f"/assignment-rules/{rule.id}").status_code == 403
    writer = as_client(scopes=[WRITE_ASSIGNMENTS])
    assert writer("GET", "/assignment-rules").status_code == 403
    assert writer("GET", f"/assignment-rules/{rule.id}").status_code == 403
    other = as_client(scopes=["read:people"])
    for method, path in (("GET", "/assignment-rules"), ("POST", "/assignment-rules")):
        response = other(method, path, new if method == "POST" else None)
        assert response.status_code == 403 and response.mimetype == PROBLEM
    nobody = as_client()
    assert nobody("GET", "/assignment-rules", Authorization="").status_code == 401
    assert _rules(db) == 1


def test_a_manager_scoped_client_reads_rules_but_may_not_change_them(
    as_client, db, org, shipped_courses
):
    by_line = _rule(db, RuleSpec(ESSENTIALS, "manager", manager_email=org["senior"].email))
    named = _rule(
        db,
        RuleSpec(ESSENTIALS, "people", people_emails=(org["staff"].email, org["outsider"].email)),
    )
    outside = _rule(db, RuleSpec(ESSENTIALS, "manager", manager_email=org["hr"].email))
    call = as_client(manager=org["senior"].email)
    rows = {row["id"]: row for row in call("GET", "/assignment-rules").get_json()["data"]}
    assert set(rows) == {by_line.id, named.id, outside.id}
    assert rows[by_line.id]["manager"] == org["senior"].email  # the client's own manager
    assert rows[named.id]["people"] == [org["staff"].email]  # not the outsider
    assert rows[outside.id]["manager"] is None  # HR is outside the line
    assert call("GET", f"/assignment-rules/{named.id}").get_json()["people"] == [org["staff"].email]
    refused = call("POST", "/assignment-rules", {"course": ESSENTIALS, "audience": "everyone"})
    assert refused.status_code == 403 and refused.mimetype == PROBLEM
    assert "manager's reporting line" in refused.get_json()["detail"]
    assert call("DELETE", f"/assignment-rules/{named.id}").status_code == 403
    assert _rules(db) == 3 and db.get(AssignmentRule, named.id).is_active


def test_rules_are_paged_without_gaps_or_repeats(as_client, db, org, shipped_courses):
    made = [_rule(db, RuleSpec(ESSENTIALS, "everyone", due_days=n)) for n in range(1, 8)]
    removed = _rule(db, RuleSpec(ESSENTIALS, "everyone", due_days=99))
    removed.is_active = False
    db.commit()
    call = as_client()
    seen, link = [], "/assignment-rules?limit=3"
    while link:
        response = call("GET", link)
        assert response.status_code == 200
        body = response.get_json()
        assert len(body["data"]) <= 3
        seen += body["data"]
        link = body["next"]
    assert [row["id"] for row in seen] == [rule.id for rule in made]
    first = call("GET", "/assignment-rules?limit=3").get_json()
    assert first["next"].startswith("http://postwise.test/api/v1/assignment-rules?limit=3&cursor=")
    bad = call("GET", "/assignment-rules?cursor=nonsense")
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"cursor"}


def test_reads_have_etags(as_client, db, shipped_courses):
    rule = _rule(db, RuleSpec(ESSENTIALS, "everyone", due_days=7))
    call = as_client()
    etags = {}
    for path in ("/assignment-rules", f"/assignment-rules/{rule.id}"):
        etags[path] = call("GET", path).headers["ETag"]
        assert call("GET", path, **{"If-None-Match": etags[path]}).status_code == 304
    made = call(
        "POST", "/assignment-rules", {"course": ESSENTIALS, "audience": "everyone", "due_days": 3}
    )
    assert made.status_code == 201
    changed = call("GET", "/assignment-rules", **{"If-None-Match": etags["/assignment-rules"]})
    assert changed.status_code == 200 and len(changed.get_json()["data"]) == 2
