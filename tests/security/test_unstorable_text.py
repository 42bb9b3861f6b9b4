"""A NUL character (which PostgreSQL text cannot hold) in any form field, query parameter,
or file name is refused with a 400 page naming where it is, before any view runs:
on both databases, on every POST route, and the sign-in form first of all.

Routes are found by walking the url_map, so a route added tomorrow is covered too.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from flask import Flask, flash, redirect
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from lms.spreadsheet import csv_lines
from lms.web_security import FLASH_MAX_CHARACTERS
from tests.helpers import csrf_token
from tests.security.crawl import Org, path_of, routes, row_counts, url_arguments, writes_recorded

NUL = "\x00"
REFUSED = "That held a character Postwise cannot store"


def refusal_names(response, where: str) -> bool:
    if response.mimetype == "application/problem+json":  # the API: a problem naming the field
        return response.status_code == 422 and where in response.get_json()["errors"]
    page = response.get_data(as_text=True)
    return response.status_code == 400 and REFUSED in page and f"“{where}”" in page


def test_a_nul_in_the_sign_in_form_is_refused_not_a_500(client: FlaskClient, org: Org):
    token = csrf_token(client, "/sign-in")
    response = client.post(
        "/sign-in",
        data={"csrf_token": token, "email": f"{org['hr'].email}{NUL}", "password": "x"},
    )
    assert refusal_names(response, "email")
    # The refusal changed nothing: the form still works.
    assert client.get("/sign-in").status_code == 200


def test_a_nul_in_a_query_parameter_is_refused(client_as: Callable[[str], FlaskClient], world: Org):
    client = client_as("hr")
    assert refusal_names(client.get("/reports/audit?actor=a%00b"), "actor")
    assert refusal_names(client.get("/people/?q=%00"), "q")


def test_the_audit_csv_is_refused_whole_rather_than_cut(
    client_as: Callable[[str], FlaskClient], world: Org
):
    """On PostgreSQL the query failed only once the file had started: a download cut after
    its header row. Now it never starts."""
    client = client_as("hr")
    response = client.get("/reports/audit.csv?actor=hr%00@example.com")
    assert refusal_names(response, "actor")
    assert response.mimetype == "text/html"


def test_a_nul_in_the_web_address_itself_is_not_found(
    client_as: Callable[[str], FlaskClient], world: Org
):
    """No page has such an address; the slug must not reach a query (a 500 on PostgreSQL)."""
    client = client_as("hr")
    assert client.get("/admin/courses/x%00y").status_code == 404
    assert client.post("/admin/courses/x%00y/draft").status_code == 404


def test_a_nul_in_an_uploaded_file_name_is_refused(
    client_as: Callable[[str], FlaskClient], world: Org
):
    client = client_as("hr")
    token = csrf_token(client, "/admin/courses/upload")
    response = client.post(
        "/admin/courses/upload",
        data={"csrf_token": token, "file": (io.BytesIO(b"PK"), f"pack{NUL}.zip")},
        content_type="multipart/form-data",
    )
    assert refusal_names(response, "the name of the file in file")


@pytest.mark.parametrize("role", ["employee", "hr"])
def test_every_post_route_refuses_a_nul_in_a_field_and_writes_nothing(
    app: Flask, world: Org, db: Session, client_as: Callable[[str], FlaskClient], role: str
):
    arguments = url_arguments(db, world)
    client = client_as(role)
    token = csrf_token(client, "/")
    before = row_counts(db)
    answers = {}
    with writes_recorded(app) as writes:
        for rule in routes(app, "POST"):
            response = client.post(
                path_of(rule, arguments),
                data={"csrf_token": token, "title": f"A title{NUL}", "reason": "fine"},
            )
            answers[rule.endpoint] = refusal_names(response, "title")
    assert len(answers) >= 40, "the crawl found too few POST routes"
    assert [endpoint for endpoint, refused in answers.items() if not refused] == []
    assert writes == []
    assert row_counts(db) == before


def test_text_without_nul_still_goes_through(client_as: Callable[[str], FlaskClient], world: Org):
    client = client_as("hr")
    assert client.get("/reports/audit?actor=tab%09and%0Anewline").status_code == 200


def test_a_flash_message_never_outgrows_the_session_cookie(make_app: Callable[..., Flask]):
    app = make_app()

    @app.get("/test-long-flash")
    def long_flash():  # a message quoting far more text than any form lets through
        flash("Saved “" + "x" * 100_000 + "”.", "success")
        return redirect("/sign-in")

    client = app.test_client()
    response = client.get("/test-long-flash")
    cookie = response.headers.get("Set-Cookie", "")
    assert 0 < len(cookie) < 2_000
    page = client.get("/sign-in").get_data(as_text=True)
    assert "Saved “xxx" in page
    assert "x" * (FLASH_MAX_CHARACTERS + 1) not in page


def test_a_stored_nul_cannot_stop_a_csv_download_half_way():
    """Rows kept from before NULs were refused (SQLite stored them) still stream whole: the
    cut download was the query failing on PostgreSQL inside the stream, not the writer."""
    lines = list(csv_lines(["a", "b"], [["bad\x00text", "x"], ["next", "row"]]))
    assert lines == ["a,b\r\n", "bad\x00text,x\r\n", "next,row\r\n"]
