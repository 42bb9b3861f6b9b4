"""GET /api/v1/completions: the report's rows and statuses, filtered, paged and scoped."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from lms import clock
from lms.api.cursor import encode
from lms.api.schemas import CompletionSchema
from lms.learning.models import Enrollment
from lms.learning.statuses import COMPLETED, NOT_STARTED, OVERDUE
from tests.api.conftest import get_token

ESSENTIALS = "social-media-essentials"
GUIDELINE = "social-media-guideline"


@pytest.fixture
def enrolled(org, shipped_courses, enrol, db):
    """Everyone in the org has both courses: 12 enrollments."""
    made = [
        enrol(person, version)
        for person in org.values()
        for version in (shipped_courses[ESSENTIALS], shipped_courses[GUIDELINE])
    ]
    return made


def _complete(db, enrollment: Enrollment) -> None:
    db.execute(
        update(Enrollment).where(Enrollment.id == enrollment.id).values(completed_at=clock.now())
    )
    db.commit()


def _walk(api, query: str) -> list[dict]:
    """Every row of every page, following the next links."""
    rows, link = [], f"/completions?{query}"
    while link:
        response = api(link.removeprefix("http://postwise.test/api/v1"))
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        rows += body["data"]
        link = body["next"]
    return rows


def test_pages_cover_every_row_once_in_id_order(api, enrolled):
    rows = _walk(api, "limit=5")
    assert [row["id"] for row in rows] == sorted(e.id for e in enrolled)
    first = api("/completions?limit=5").get_json()
    assert len(first["data"]) == 5
    assert first["next"].startswith("http://postwise.test/api/v1/completions?limit=5&cursor=")


def test_a_row_has_the_status_the_reports_show(api, enrolled, db, org):
    _complete(db, enrolled[0])
    past_due = clock.now() - timedelta(days=1)
    db.execute(update(Enrollment).where(Enrollment.id == enrolled[2].id).values(due_at=past_due))
    db.commit()
    by_id = {row["id"]: row for row in _walk(api, "")}
    assert by_id[enrolled[0].id]["status"] == COMPLETED
    assert by_id[enrolled[1].id]["status"] == NOT_STARTED
    overdue = _walk(api, f"status={OVERDUE.replace(' ', '+')}")
    assert [row["id"] for row in overdue] == [enrolled[2].id]
    row = by_id[enrolled[0].id]
    assert row["email"] == org["hr"].email
    assert row["course"] == ESSENTIALS
    assert row["completed_at"] == "2026-03-02T09:00:00+00:00"


def test_rows_are_what_the_documented_schema_dumps(api, enrolled, db):
    """Pages are built without marshmallow, for speed; the OpenAPI schema still says what they
    hold, so each row must be exactly what CompletionSchema would dump, dates and nulls too."""
    _complete(db, enrolled[0])
    rows = _walk(api, "")
    assert any(row["completed_at"] for row in rows) and any(row["score"] is None for row in rows)
    schema = CompletionSchema()
    for row in rows:
        assert row == schema.dump(schema.load(row)), row


def test_updated_since_lists_only_what_changed(api, enrolled, db):
    clock.advance(timedelta(days=1))
    _complete(db, enrolled[3])
    rows = _walk(api, "updated_since=2026-03-02T12:00:00%2B00:00")
    assert [row["id"] for row in rows] == [enrolled[3].id]
    assert rows[0]["updated_at"] == "2026-03-03T09:00:00+00:00"


@pytest.mark.parametrize(
    ("query", "count"),
    [
        (f"course={GUIDELINE}", 6),
        ("department=Sales", 2),
        (f"status={NOT_STARTED.replace(' ', '+')}", 12),
        ("status=completed", 0),
        ("course=no-such-course", 0),
    ],
)
def test_filters(api, enrolled, query, count):
    assert len(_walk(api, f"{query}&limit=2")) == count


def test_the_manager_filter_takes_their_whole_line(api, enrolled, org):
    rows = _walk(api, f"manager={org['senior'].email}&limit=3")
    assert {row["email"] for row in rows} == {
        org[name].email for name in ("lead", "staff", "staff2")
    }


def test_an_updated_since_utc_cannot_hold_is_clamped(api, enrolled):
    assert len(_walk(api, "updated_since=0001-01-01T00:00:00%2B05:00")) == len(enrolled)
    assert _walk(api, "updated_since=9999-12-31T23:59:59-05:00") == []


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("updated_since=yesterday", "updated_since"),
        ("updated_since=2026-03-02T12:00:00", "updated_since"),  # no time zone
        ("limit=501", "limit"),
        ("limit=0", "limit"),
        ("status=finished", "status"),
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=c80000000", "cursor"),  # past the 32-bit ids
        ("department=a%00b", "department"),  # a NUL, which no database stores
    ],
)
def test_a_bad_parameter_is_a_problem_that_names_it(api, enrolled, query, name):
    response = api(f"/completions?{query}")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert set(body) == {"type", "title", "status", "detail", "errors"}
    assert body["status"] == 422
    assert name in body["detail"]
    assert list(body["errors"]) == [name]


def test_a_manager_scoped_client_sees_only_that_line(app, make_client, enrolled, org):
    new = make_client(name="Team tool", manager=org["lead"].email)
    access = get_token(app, new).get_json()["access_token"]
    client = app.test_client()
    headers = {"Authorization": f"Bearer {access}"}
    rows = client.get("/api/v1/completions?limit=500", headers=headers).get_json()["data"]
    assert {row["email"] for row in rows} == {org["staff"].email, org["staff2"].email}
    # A manager above or beside the line has no line for this client: nothing, as for nobody.
    for email in (org["senior"].email, org["outsider"].email, "nobody@example.com"):
        outside = client.get(f"/api/v1/completions?manager={email}", headers=headers)
        assert outside.status_code == 200 and outside.get_json() == {"data": [], "next": None}
    inside = client.get(f"/api/v1/completions?manager={org['lead'].email}", headers=headers)
    assert len(inside.get_json()["data"]) == len(rows)


def test_a_client_without_the_scope_gets_a_403_problem(app, make_client, enrolled):
    access = get_token(app, make_client(scopes=["read:people"])).get_json()["access_token"]
    response = app.test_client().get(
        "/api/v1/completions", headers={"Authorization": f"Bearer {access}"}
    )
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert "read:completions" in response.get_json()["detail"]


def test_an_unchanged_page_answers_304_to_its_etag(api, enrolled, db):
    first = api("/completions")
    etag = first.headers["ETag"]
    again = api("/completions", If_None_Match=etag)
    assert again.status_code == 304
    assert again.data == b""
    _complete(db, enrolled[0])
    assert api("/completions", If_None_Match=etag).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/api/v1/nowhere", 404), ("POST", "/api/v1/completions", 405)],
)
def test_other_errors_are_problems_too(client, method, path, status):
    response = client.open(path, method=method)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == status


def test_too_many_calls_get_a_429_problem(make_app, db, make_client):
    app = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute")
    access = get_token(app, make_client()).get_json()["access_token"]
    client = app.test_client()
    headers = {"Authorization": f"Bearer {access}"}
    answers = [client.get("/api/v1/completions", headers=headers) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].mimetype == "application/problem+json"
    # Counted per client: another client still gets through.
    other = get_token(app, make_client(name="Other")).get_json()["access_token"]
    fresh = client.get("/api/v1/completions", headers={"Authorization": f"Bearer {other}"})
    assert fresh.status_code == 200


def test_the_last_32_bit_id_still_has_a_cursor(api, enrolled):
    response = api(f"/completions?cursor={encode(2**31 - 1)}")
    assert response.status_code == 200 and response.get_json() == {"data": [], "next": None}
