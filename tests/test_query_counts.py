"""Pages run a fixed number of SQL statements whatever the data size: counted at two sizes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import event

from lms import clock
from lms.api import clients
from lms.assignments.services import RuleSpec, create_rule
from lms.audit.services import record
from lms.courses.models import PUBLISHED, RETIRED, Course, CourseVersion
from lms.dbsession import database
from lms.events import KINDS, record_event
from lms.learning.models import QuizAttempt
from lms.mail.outbox import Draft, enqueue
from lms.mail.render import render
from lms.people.groups import DirectoryGroup, GroupMember
from lms.people.models import Employee
from lms.scim import tokens
from lms.webhooks.models import DELIVERED, FAILED, QUEUED, WebhookDelivery
from lms.webhooks.subscriptions import add_subscription
from tests.api.conftest import get_token
from tests.api.records import acknowledged, certify
from tests.helpers import sign_in

ESSENTIALS = "social-media-essentials"


def _grow(db, org, shipped_courses, enrol, make_employee, people: int) -> None:
    """Add people to the team lead's line, each with both courses in varied states."""
    for n in range(people):
        person = make_employee(manager_id=org["lead"].id, password=None, department=f"D{n % 3}")
        for version in shipped_courses.values():
            enrollment = enrol(person, version, due_at=clock.now() + timedelta(days=n - 5))
            if n % 2:
                enrollment.version_id = version.id
                enrollment.started_at = clock.now() - timedelta(days=1)
                db.add(
                    QuizAttempt(
                        enrollment_id=enrollment.id,
                        version_id=version.id,
                        number=1,
                        started_at=clock.now(),
                    )
                )
            if n % 3 == 0:
                enrollment.completed_at = clock.now() - timedelta(days=n)
        reminder = render("overdue", "en", **_reminder_context(person, version))
        enqueue(
            db,
            [Draft(f"grow:{person.id}", "overdue", person.email, person.id, reminder)],
            sender="Postwise <training@postwise.test>",
        )
    db.commit()


def _reminder_context(person: Employee, version) -> dict[str, object]:
    link = "http://postwise.test/"
    return {
        "person": person,
        "course": version,
        "due_at": clock.now(),
        "course_url": link,
        "sign_in_url": link,
        "forgot_url": link,
        "settings_url": link,
    }


def _statements(app, client, path: str, headers: dict[str, str] | None = None) -> int:
    engine = database(app).engine
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, path
        response.close()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


PAGES: dict[str, tuple[str, Callable[[dict[str, Employee]], str]]] = {
    "my learning": ("staff", lambda o: "/"),
    "a course": ("staff", lambda o: f"/courses/{ESSENTIALS}"),
    "a manager's home": ("lead", lambda o: "/"),
    "my team": ("lead", lambda o: "/reports/team"),
    "my team filtered": ("lead", lambda o: "/reports/team?status=overdue&sort=-due&page=2"),
    "people in my team": ("lead", lambda o: "/people/"),
    "a person": ("lead", lambda o: f"/people/{o['staff'].id}"),
    "everyone's records": ("hr", lambda o: "/reports/team?inactive=y"),
    "organisation": ("hr", lambda o: "/reports/organisation"),
    "guideline report": ("hr", lambda o: "/reports/guideline?status=not+acknowledged"),
    "assignment rules": ("hr", lambda o: "/admin/rules/"),
    "outbox": ("hr", lambda o: "/mail/outbox"),
    "email settings": ("lead", lambda o: "/settings/email"),
    "practice history": ("staff", lambda o: "/practice/drafts"),
    "purpose self-assessment": ("staff", lambda o: "/practice/purpose"),
    "purpose averages": ("hr", lambda o: "/reports/purpose"),
    "sign-in and provisioning": ("hr", lambda o: "/admin/identity"),
}


@pytest.mark.parametrize(("role", "path"), PAGES.values(), ids=PAGES.keys())
def test_statements_do_not_grow_with_the_data(
    app, make_app, db, org, shipped_courses, enrol, make_employee, login, role, path
):
    for version in shipped_courses.values():
        enrol(org["staff"], version)
    _grow(db, org, shipped_courses, enrol, make_employee, people=3)
    client = login(org[role])
    url = path(org)
    client.get(url).close()  # a first view may do once-a-quarter work: publishing purpose figures
    small = _statements(app, client, url)
    _grow(db, org, shipped_courses, enrol, make_employee, people=60)
    large = _statements(app, client, url)
    assert small == large, f"{url}: {small} statements with 5 people, {large} with 65"


def _scim_traffic(db, calls: int) -> None:
    """Tokens and calls, each call naming its token, a third of them refused."""
    made = [tokens.create_token(db, f"Provider {n}", actor_id=None).token for n in range(3)]
    for n in range(calls):
        token = made[n % 3]
        status = 409 if n % 3 == 0 else 200
        tokens.log_call(db, token.id, "GET", f"/scim/v2/Users/{n}", status, "taken" * (n % 2))
    db.commit()


@pytest.mark.parametrize("path", ["/admin/identity", "/admin/identity?show=errors", "/admin/scim"])
def test_scim_calls_and_tokens_do_not_add_statements(make_app, db, org, make_employee, path):
    admins = [make_employee(is_hr_admin=True) for _ in range(3)]
    app = make_app(
        OIDC_DISCOVERY_URL="https://login.example.com/.well-known/openid-configuration",
        OIDC_CLIENT_ID="postwise",
        PASSWORD_SIGN_IN="break_glass",
        BREAK_GLASS_EMAILS=",".join(a.email for a in admins),
    )
    client = app.test_client()
    assert sign_in(client, admins[0].email).status_code == 302
    _scim_traffic(db, calls=2)
    small = _statements(app, client, path)
    _scim_traffic(db, calls=60)
    large = _statements(app, client, path)
    assert small == large, f"{path}: {small} statements with 2 calls, {large} with 62"


# person3@example.com is the org's team lead, whose line grows.
@pytest.mark.parametrize("query", ["limit=500", "limit=10", "manager=person3@example.com&limit=7"])
def test_an_api_page_runs_the_same_statements_whatever_its_size(
    app, db, org, shipped_courses, enrol, make_employee, query
):
    new = clients.create_client(db, "BI", ["read:completions"], actor_id=None)
    db.commit()
    client = app.test_client()

    def statements() -> int:
        access = get_token(app, new).get_json()["access_token"]
        path = f"/api/v1/completions?{query}"
        return _statements(app, client, path, {"Authorization": f"Bearer {access}"})

    _grow(db, org, shipped_courses, enrol, make_employee, people=3)
    small = statements()
    _grow(db, org, shipped_courses, enrol, make_employee, people=60)
    large = statements()
    assert small == large, f"{query}: {small} statements with 3 people, {large} with 63"


def _rules_of_every_kind(db, org, make_employee, rounds: int) -> None:
    """Rules for each audience (named people and directory groups too), `rounds` times."""
    group = DirectoryGroup(display_name=f"Group {rounds}")
    db.add(group)
    db.flush()
    for n in range(rounds):
        person = make_employee(manager_id=org["lead"].id)
        db.add(GroupMember(group_id=group.id, employee_id=person.id))
        for audience, values, manager, people in (
            ("everyone", (), None, ()),
            ("departments", ("Marketing",), None, ()),
            ("manager", (), org["lead"].email, ()),
            ("people", (), None, (person.email, org["staff"].email)),
            ("groups", (group.display_name,), None, ()),
        ):
            spec = RuleSpec(ESSENTIALS, audience, values, manager, due_days=n + 1)
            create_rule(db, replace(spec, people_emails=people), actor_id=None)
    db.commit()


@pytest.mark.parametrize("manager", ["", "person2@example.com"])  # everyone, or the senior's line
def test_the_api_rules_page_runs_the_same_statements_whatever_its_size(
    app, db, org, shipped_courses, make_employee, manager
):
    new = clients.create_client(db, "BI", ["read:assignments"], manager, actor_id=None)
    db.commit()
    client = app.test_client()

    def statements() -> int:
        access = get_token(app, new).get_json()["access_token"]
        headers = {"Authorization": f"Bearer {access}"}
        return _statements(app, client, "/api/v1/assignment-rules?limit=500", headers)

    _rules_of_every_kind(db, org, make_employee, rounds=1)
    small = statements()
    _rules_of_every_kind(db, org, make_employee, rounds=20)
    large = statements()
    assert small == large, f"{small} statements with 5 rules, {large} with 105"


def test_api_clients_and_calls_do_not_add_statements(app, db, org, login):
    def traffic(count: int) -> None:
        for n in range(count):
            new = clients.create_client(
                db, f"Client {n}", ["read:people"], org["lead"].email * (n % 2), actor_id=None
            )
            clients.log_call(db, new.client.id, "GET", f"/api/v1/people/{n}", 200 + n % 2, None)
        db.commit()

    client = login(org["hr"])
    traffic(2)
    small = _statements(app, client, "/admin/api-clients")
    traffic(30)
    large = _statements(app, client, "/admin/api-clients")
    assert small == large, f"{small} statements with 2 clients, {large} with 32"


def test_webhook_pages_do_not_add_statements(app, db, org, login):
    def traffic(count: int) -> int:
        subscription = None
        for n in range(count):
            subscription = add_subscription(
                db, f"http://127.0.0.1:9/hooks/{n}", list(KINDS), production=False
            ).subscription
            for kind in KINDS:
                event = record_event(db, kind, {"n": n})
                db.flush()
                db.add(
                    WebhookDelivery(
                        subscription_id=subscription.id,
                        event_id=event.id,
                        status=(QUEUED, DELIVERED, FAILED)[n % 3],
                        next_try_at=clock.now(),
                        delivered_at=clock.now() if n % 3 == 1 else None,
                    )
                )
        db.commit()
        return subscription.id

    client = login(org["hr"])
    last = traffic(2)
    small = (
        _statements(app, client, "/admin/webhooks"),
        _statements(app, client, f"/admin/webhooks/{last}"),
    )
    last = traffic(30)
    large = (
        _statements(app, client, "/admin/webhooks"),
        _statements(app, client, f"/admin/webhooks/{last}"),
    )
    assert small == large, f"{small} statements with 2 subscriptions, {large} with 32"


def _records(db, org, shipped_courses, enrol, make_employee, people: int) -> None:
    """People in the team lead's line with a certificate and an acknowledgement each, an
    audit event for each, and a published course of two versions for each."""
    for _ in range(people):
        person = make_employee(manager_id=org["lead"].id, password=None)
        course = Course(slug=f"course-{person.id}")
        for number, status in ((1, RETIRED), (2, PUBLISHED)):
            course.versions.append(
                CourseVersion(
                    number=number,
                    status=status,
                    title=f"Course {person.id}",
                    summary="",
                    minutes=5,
                    fingerprint=f"{person.id}-{number}",
                    published_at=clock.now(),
                )
            )
        db.add(course)
        certify(db, enrol(person, shipped_courses[ESSENTIALS]), recertify_months=12)
        acknowledged(db, person.id, shipped_courses["social-media-guideline"])
        record(db, "role.granted", person.email, actor_id=org["hr"].id)
    db.commit()


# (scope, path, whether the client is limited to the team lead's line)
API_READS = {
    "courses": ("read:courses", "courses?limit=500", False),
    "a page of courses": ("read:courses", "courses?limit=3", False),
    "a course": ("read:courses", f"courses/{ESSENTIALS}", False),
    "attestations": ("read:completions", "attestations?limit=500", False),
    "attestations of a line": ("read:completions", "attestations?limit=7", True),
    "certificates": ("read:completions", "certificates?limit=500", False),
    "certificates of a line": ("read:completions", "certificates?limit=7", True),
    "audit events": ("read:audit", "audit-events?limit=500", False),
    "audit events filtered": ("read:audit", "audit-events?action=role.granted&limit=9", False),
}


@pytest.mark.parametrize(("scope", "path", "line"), API_READS.values(), ids=API_READS.keys())
def test_api_reads_run_the_same_statements_whatever_their_size(
    app, db, org, shipped_courses, enrol, make_employee, scope, path, line
):
    manager = org["lead"].email if line else ""
    new = clients.create_client(db, "BI", [scope], manager, actor_id=None)
    db.commit()
    client = app.test_client()

    def statements() -> int:
        access = get_token(app, new).get_json()["access_token"]
        return _statements(app, client, f"/api/v1/{path}", {"Authorization": f"Bearer {access}"})

    _records(db, org, shipped_courses, enrol, make_employee, people=3)
    small = statements()
    _records(db, org, shipped_courses, enrol, make_employee, people=40)
    large = statements()
    assert small == large, f"{path}: {small} statements with 3 records, {large} with 43"


def test_the_api_list_of_webhooks_runs_the_same_statements_whatever_its_length(app, db):
    new = clients.create_client(db, "Zapier", ["write:webhooks"], actor_id=None)
    db.commit()
    client = app.test_client()

    def statements(subscriptions: int) -> int:
        for n in range(subscriptions):
            add_subscription(
                db, f"https://hooks{n}.example.com/in", ["person.deactivated"], production=True
            )
        db.commit()
        access = get_token(app, new).get_json()["access_token"]
        return _statements(app, client, "/api/v1/webhooks", {"Authorization": f"Bearer {access}"})

    small = statements(2)
    large = statements(30)
    assert small == large, f"{small} statements with 2 subscriptions, {large} with 32"
