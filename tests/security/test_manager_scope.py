"""Nothing outside a person's reach answers, by any id in the path or any query parameter:
a manager reaches their own line, an employee only themselves."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import clock
from lms.learning.models import Enrollment
from lms.mail.models import OutboxMessage
from lms.precheck.models import PracticeDraft
from lms.precheck.services import save_draft
from tests.helpers import csrf_token
from tests.security.crawl import COURSE, Org, path_of, routes, row_counts, url_arguments

OWNED = {"employee_id", "enrollment_id", "draft_id", "message_id"}
# Query parameters someone might try to widen a list or report with.
WIDENING = [
    "scope=all",
    "all=1",
    "manager=0",
    "manager_id={outsider}",
    "employee_id={outsider}",
    "department=Sales",
    "q=Otto",
    "q=Outside",
    "inactive=y",
    "direct=",
    "page=-1",
    "page=99999",
    "course=social-media-essentials&department=Sales&inactive=y",
]
LISTS = ["/people/", "/reports/team", "/reports/completions.csv", "/reports/completions.xlsx"]


@pytest.fixture
def outsider_owns_things(world: Org, shipped_courses, enrol, db: Session) -> dict[str, int]:
    """The outsider, in nobody's line, with an overdue enrollment and a practice draft."""
    outsider = world["outsider"]
    late = enrol(outsider, shipped_courses[COURSE], due_at=clock.now() - timedelta(days=3))
    save_draft(db, outsider.id, "The outsider's private practice draft.", [])
    db.commit()
    draft = db.scalar(select(PracticeDraft.id).where(PracticeDraft.employee_id == outsider.id))
    message = db.scalar(select(OutboxMessage.id))
    assert draft is not None and message is not None
    return {
        "employee_id": outsider.id,
        "enrollment_id": late.id,
        "draft_id": draft,
        "message_id": message,
    }


@pytest.mark.parametrize("role", ["employee", "manager"])
def test_no_route_reaches_someone_outside_ones_reach_by_id(
    app: Flask,
    world: Org,
    db: Session,
    outsider_owns_things,
    role: str,
    client_as: Callable[[str], FlaskClient],
):
    arguments = {**url_arguments(db, world), **outsider_owns_things}
    client = client_as(role)
    token = csrf_token(client, "/")
    answers = {}
    before = row_counts(db)
    for method, rule in [(m, r) for m in ("GET", "POST") for r in routes(app, m)]:
        if not rule.arguments & OWNED:
            continue
        path = path_of(rule, arguments)
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, data={"csrf_token": token})
        answers[f"{method} {rule.endpoint}"] = response.status_code
        assert world["outsider"].email not in response.get_data(as_text=True), path
    assert len(answers) >= 8
    assert {name: status for name, status in answers.items() if status not in (403, 404)} == {}
    # A refused delete may run its DELETE, scoped to the viewer's own rows: it removes nothing.
    assert row_counts(db) == before
    assert db.get(PracticeDraft, outsider_owns_things["draft_id"]) is not None


def test_no_query_parameter_widens_a_managers_lists(
    app: Flask, world: Org, outsider_owns_things, client_as: Callable[[str], FlaskClient]
):
    client = client_as("manager")
    outsider = world["outsider"]
    for path in LISTS:
        for query in WIDENING:
            response = client.get(f"{path}?{query.format(outsider=outsider.id)}")
            assert response.status_code in (200, 400), (path, query)
            body = response.get_data()  # the XLSX is zipped: its text is not searchable
            if path.endswith(".xlsx") and response.status_code == 200:
                body = _xlsx_text(body)
            assert outsider.email.encode() not in body, (path, query)
            assert f"/people/{outsider.id}".encode() not in body, (path, query)
    # The same lists do show the manager's own line.
    assert world["staff"].email in client.get("/reports/completions.csv").get_data(as_text=True)


def _xlsx_text(body: bytes) -> bytes:
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
    return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row).encode()


def test_hr_reaches_the_outsider_by_the_same_ids(
    app: Flask,
    world: Org,
    db: Session,
    outsider_owns_things,
    client_as: Callable[[str], FlaskClient],
):
    """The refusals above are about reach: HR, who reaches everyone, gets the same person."""
    client = client_as("hr")
    assert client.get(f"/people/{world['outsider'].id}").status_code == 200
    nudge = f"/reports/team/nudge/{outsider_owns_things['enrollment_id']}"
    assert client.post(nudge, data={"csrf_token": csrf_token(client, "/")}).status_code == 302
    enrollment = db.get(Enrollment, outsider_owns_things["enrollment_id"])
    assert enrollment is not None and enrollment.employee_id == world["outsider"].id
