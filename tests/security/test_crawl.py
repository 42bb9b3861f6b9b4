"""Walk the url_map: no POST works without a CSRF token, no GET writes, no page fails.

Routes are found, not listed, so a route added tomorrow is covered by these tests too.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from lms.assignments.individual import exempt
from lms.spreadsheet import FORMULA_STARTS
from tests.helpers import csrf_token
from tests.security.conftest import ROLES
from tests.security.crawl import (
    Org,
    path_of,
    routes,
    row_counts,
    token_authenticated,
    url_arguments,
    writes_recorded,
)

DOWNLOAD_TYPES = ("text/csv", "application/", "text/yaml")  # what a browser saves as a file
JSON = "application/json"
# POST routes without a CSRF token, each for a reason. The SAML assertion consumer receives the
# IdP's cross-site form post, which cannot carry our token: the response's own signature is its
# protection (tests/sso/test_saml.py). Posted here without one, it must still refuse.
CSRF_EXEMPT = {"saml.acs"}
SERVER_MADE_NAME = re.compile(
    r'attachment; filename="[a-z0-9][a-z0-9.-]*\.[a-z]+"'
)  # the health check's answer, read by machines


@pytest.mark.parametrize("role", ROLES)
def test_no_post_is_accepted_without_a_csrf_token(
    app: Flask, world: Org, db: Session, client_as: Callable[[str], FlaskClient], role: str
):
    arguments = url_arguments(db, world)
    client = client_as(role)  # signed in before recording: signing in writes, on purpose
    before = row_counts(db)
    outcomes = {}
    with writes_recorded(app) as writes:
        for rule in routes(app, "POST"):
            response = client.post(path_of(rule, arguments), data={"csrf_token": "forged"})
            outcomes[rule.endpoint] = response.status_code
            bare = client.post(path_of(rule, arguments))
            outcomes[rule.endpoint + " (no token)"] = bare.status_code
    assert len(outcomes) >= 60, "the crawl found too few POST routes"
    # SAML's ACS takes a cross-site POST (see CSRF_EXEMPT): refused here for want of SAML.
    exempt = {e: s for e, s in outcomes.items() if e.split(" ")[0] in CSRF_EXEMPT}
    assert len(exempt) == 2 * len(CSRF_EXEMPT) and set(exempt.values()) <= {403, 404}
    refused = {e: s for e, s in outcomes.items() if s != 400 and e not in exempt}
    # SCIM takes no CSRF token (see crawl.CSRF_EXEMPT_PREFIX): it wants a bearer token, 401.
    assert {e for e, s in refused.items() if not (token_authenticated(e) and s == 401)} == set()
    assert writes == []
    assert row_counts(db) == before


@pytest.mark.parametrize("role", ROLES)
def test_no_get_writes_to_the_database_or_fails(
    app: Flask, world: Org, db: Session, client_as: Callable[[str], FlaskClient], role: str
):
    arguments = url_arguments(db, world)
    client = client_as(role)
    before = row_counts(db)
    statuses = {}
    with writes_recorded(app) as writes:
        for rule in routes(app, "GET"):
            response = client.get(path_of(rule, arguments))
            statuses[rule.endpoint] = response.status_code
            response.close()
    assert len(statuses) >= 45, "the crawl found too few GET routes"
    assert {endpoint: s for endpoint, s in statuses.items() if s >= 500} == {}
    assert writes == []
    assert row_counts(db) == before
    if role != "anonymous":
        assert statuses["home.index"] == 200, "the crawl was not signed in"


@pytest.mark.parametrize("role", ["employee", "manager", "hr"])
def test_every_download_is_an_attachment_that_is_not_kept(
    app: Flask, world: Org, db: Session, client_as: Callable[[str], FlaskClient], role: str
):
    """Whatever a GET serves that is not a page (CSV, XLSX, ZIP, PDF, YAML) is saved by the
    browser under a name the server made, and no cache along the way keeps a copy."""
    arguments = url_arguments(db, world)
    client = client_as(role)
    downloads = {}
    for rule in routes(app, "GET"):
        if rule.endpoint == "static":
            continue
        response = client.get(path_of(rule, arguments))
        kind = response.mimetype
        if response.status_code == 200 and kind.startswith(DOWNLOAD_TYPES) and kind != JSON:
            downloads[rule.endpoint] = (
                response.headers.get("Content-Disposition", ""),
                response.headers.get("Cache-Control", ""),
            )
        response.close()
    if role == "hr":
        assert len(downloads) >= 5, f"too few downloads found: {sorted(downloads)}"
    for endpoint, (disposition, cache) in downloads.items():
        # A name the server made: plain ASCII letters, digits, dots and dashes, nothing a
        # person typed that could break out of the header or name a path.
        assert SERVER_MADE_NAME.fullmatch(disposition), (endpoint, disposition)
        assert "no-store" in cache, endpoint


def test_a_valid_token_is_what_makes_a_post_work(
    app: Flask, world: Org, client_as: Callable[[str], FlaskClient]
):
    """The refusals above are the CSRF check's doing: with the page's token the same post is
    accepted."""
    client = client_as("employee")
    token = csrf_token(client, "/")
    assert client.post("/sign-out", data={"csrf_token": "forged"}).status_code == 400
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 302


def test_no_csv_download_holds_a_cell_a_spreadsheet_would_run(
    app: Flask,
    world: Org,
    db: Session,
    make_employee,
    enrol,
    shipped_courses,
    client_as: Callable[[str], FlaskClient],
):
    """A person whose every typed field is a formula, found in every CSV HR can download."""
    formula = make_employee(
        first_name='=HYPERLINK("http://evil.example","x")',
        last_name="+1",
        title="-2",
        department="@SUM(A1)",
        location="\tcmd",
    )
    for slug in shipped_courses:
        enrol(formula, shipped_courses[slug])
    # HR's own typed words reach the audit log: a reason that is a formula too.
    exempt(db, formula.id, "social-media-guideline", "@SUM(A1) no account", actor_id=None)
    db.commit()
    client = client_as("hr")
    arguments = url_arguments(db, world)
    checked = []
    for rule in routes(app, "GET"):
        response = client.get(path_of(rule, arguments))
        body = response.get_data()
        response.close()
        if response.status_code != 200 or response.mimetype != "text/csv":
            continue
        rows = list(csv.reader(io.StringIO(body.decode().lstrip("\ufeff"))))
        cells = [cell for row in rows[1:] for cell in row]
        assert [c for c in cells if c.startswith(FORMULA_STARTS)] == [], rule.endpoint
        assert any("@SUM(A1)" in cell for cell in cells), rule.endpoint  # the person is there
        checked.append(rule.endpoint)
    assert len(checked) >= 3, checked


def _invite_batch(client: FlaskClient, person: int) -> dict[str, str]:
    """A real batch of invite links, made the way HR makes one on the people list."""
    token = csrf_token(client, "/people/")
    page = client.post("/people/invite", data={"csrf_token": token, "person": [person]})
    match = re.search(r'name="batch" type="hidden" value="([^"]+)"', page.get_data(as_text=True))
    assert match, "the invite links page has no download form"
    return {"batch": html.unescape(match.group(1))}


# Downloads answered to a POST (their content was just made and must not sit in a URL): how
# to post each one valid data, as HR.
POSTED_DOWNLOADS: dict[str, Callable[[FlaskClient, Org], dict[str, str]]] = {
    "invites.links_file": lambda client, world: _invite_batch(client, world["formula"].id),
}


def test_every_posted_download_is_an_attachment_that_is_not_kept_and_runs_no_formula(
    app: Flask, world: Org, db: Session, make_employee, client_as: Callable[[str], FlaskClient]
):
    """The POST routes that answer with a file (a name with an extension) are found, not
    listed: each must be in POSTED_DOWNLOADS, and each answers like every GET download."""
    world["formula"] = make_employee(first_name="=cmd|' /C calc'!A0", last_name="-1", password=None)
    client = client_as("hr")
    arguments = url_arguments(db, world)
    posted = {
        rule.endpoint
        for rule in routes(app, "POST")
        # a file name with an extension; not SCIM's /.search, which is an action
        if "." in path_of(rule, arguments).rsplit("/", 1)[-1].lstrip(".")
    }
    assert posted == set(POSTED_DOWNLOADS), "add a way to post valid data to POSTED_DOWNLOADS"
    for rule in routes(app, "POST"):
        if rule.endpoint not in POSTED_DOWNLOADS:
            continue
        data = POSTED_DOWNLOADS[rule.endpoint](client, world)
        data["csrf_token"] = csrf_token(client, "/")
        response = client.post(path_of(rule, arguments), data=data)
        assert response.status_code == 200, rule.endpoint
        assert response.mimetype.startswith(DOWNLOAD_TYPES), rule.endpoint
        assert SERVER_MADE_NAME.fullmatch(response.headers["Content-Disposition"]), rule.endpoint
        assert "no-store" in response.headers["Cache-Control"], rule.endpoint
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        cells = [cell for row in rows[1:] for cell in row]
        assert [c for c in cells if c.startswith(FORMULA_STARTS)] == [], rule.endpoint
        assert any("calc" in cell for cell in cells), rule.endpoint
