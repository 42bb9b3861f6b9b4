"""The people pages: search, filters, paging, scope, and a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from lms.dbsession import database


@contextmanager
def count_queries(app) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    engine = database(app).engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_hr_searches_by_name_email_or_id(client, login, org):
    login(org["hr"])
    page = client.get("/people/?q=staff").get_data(as_text=True)
    assert "Sia Staff" in page
    assert "Tom Staff" in page
    assert "Otto Outside" not in page
    by_id = client.get(f"/people/?q={org['outsider'].hris_id.lower()}").get_data(as_text=True)
    assert "Otto Outside" in by_id
    assert "1 person found" in by_id


def test_hr_filters_by_department(client, login, org):
    login(org["hr"])
    page = client.get("/people/?department=Sales").get_data(as_text=True)
    assert "Otto Outside" in page
    assert "Sia Staff" not in page
    assert '<option selected value="Sales">Sales</option>' in page


def test_people_list_shows_manager_and_report_counts(client, login, org):
    login(org["hr"])
    page = client.get("/people/?q=lee").get_data(as_text=True)
    assert "Sam Senior" in page  # Lee's manager
    assert "<td>2</td>" in page  # Lee has two direct reports


def test_manager_sees_only_their_reporting_line(client, login, org):
    login(org["senior"])
    page = client.get("/people/").get_data(as_text=True)
    assert "My team" in page
    for person in ("lead", "staff", "staff2"):
        assert f'href="/people/{org[person].id}"' in page
    for person in ("outsider", "hr", "senior"):
        assert f'href="/people/{org[person].id}"' not in page
    assert "3 people found" in page


def test_person_page_shows_manager_and_direct_reports(client, login, org):
    login(org["lead"])
    page = client.get(f"/people/{org['lead'].id}").get_data(as_text=True)
    assert "Sam Senior" in page
    assert "Sia Staff" in page
    assert "Tom Staff" in page


def test_pages_of_fifty(client, login, org, make_employee):
    for n in range(55):
        make_employee(first_name=f"Extra{n:02d}", last_name="Zed", password=None)
    login(org["hr"])
    first = client.get("/people/").get_data(as_text=True)
    assert "Page 1 of 2" in first
    second = client.get("/people/?page=2").get_data(as_text=True)
    assert "Extra54 Zed" in second
    assert client.get("/people/?page=99").status_code == 200  # clamps to the last page


def test_people_page_query_count_does_not_grow_with_data(app, client, login, org, make_employee):
    login(org["hr"])
    with count_queries(app) as few:
        client.get("/people/")
    for n in range(60):
        make_employee(first_name=f"More{n}", manager_id=org["lead"].id, password=None)
    with count_queries(app) as many:
        client.get("/people/")
    assert len(few) == len(many) <= 6


def test_home_page_query_count_is_fixed(app, client, login, org, make_employee):
    login(org["senior"])
    with count_queries(app) as few:
        client.get("/")
    for n in range(30):
        make_employee(first_name=f"More{n}", manager_id=org["staff"].id, password=None)
    with count_queries(app) as many:
        page = client.get("/").get_data(as_text=True)
    assert len(few) == len(many) <= 12  # user, team, courses and progress, guideline
    assert "33 people in your reporting line" in page
