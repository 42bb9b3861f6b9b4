"""HR browses the audit log, filters it, and downloads it as a safe CSV file."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from lms import clock
from lms.audit.services import record
from lms.dbsession import database
from lms.reports.spreadsheet import neutralise


def _arrange(db, org):
    record(db, "role.granted", "employee T0002 (person2@example.com)", actor_id=org["hr"].id)
    clock.advance(timedelta(days=2))
    record(db, "people.imported", '=HYPERLINK("http://evil")', actor_id=None, after="created 1")
    db.commit()


def test_hr_sees_events_newest_first_with_who_did_them(client, login, db, org):
    _arrange(db, org)
    login(org["hr"])
    page = client.get("/reports/audit").get_data(as_text=True)
    assert "2 entries found" in page
    assert page.index("people.imported") < page.index("role.granted")
    assert "the command line" in page
    assert org["hr"].email in page
    assert "=HYPERLINK(&#34;http://evil&#34;)" in page  # shown escaped, as text


def test_filters_by_actor_action_and_date(client, login, db, org):
    _arrange(db, org)
    login(org["hr"])
    by_actor = client.get(f"/reports/audit?actor={org['hr'].email}").get_data(as_text=True)
    assert "1 entry found" in by_actor
    assert "role.granted" in by_actor
    by_action = client.get("/reports/audit?action=people.imported").get_data(as_text=True)
    assert "1 entry found" in by_action
    by_date = client.get("/reports/audit?since=2026-03-04&until=2026-03-04").get_data(as_text=True)
    assert "1 entry found" in by_date
    assert "people.imported" in by_date


def test_the_csv_download_is_an_attachment_with_neutralised_cells(client, login, db, org):
    _arrange(db, org)
    login(org["hr"])
    # Closed as a WSGI server would, so the streamed request's connection goes back.
    with client.get("/reports/audit.csv?action=people.imported") as response:
        assert response.headers["Content-Disposition"] == (
            'attachment; filename="postwise-audit-log-2026-03-04.csv"'
        )
        assert response.headers["Cache-Control"] == "no-store"
        assert response.is_streamed
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["time_utc", "actor", "action", "target", "before", "after"]
    assert rows[1] == [
        "2026-03-04 09:00:00",
        "command line",
        "people.imported",
        '\'=HYPERLINK("http://evil")',
        "",
        "created 1",
    ]
    assert len(rows) == 2


def test_the_export_is_logged(client, login, db, org, caplog):
    login(org["hr"])
    with caplog.at_level("INFO", logger="lms.security"):
        client.get("/reports/audit.csv").close()
    assert any(r.getMessage() == "export: audit log as CSV" for r in caplog.records)


def test_neutralise_covers_every_formula_start():
    for start in ("=", "+", "-", "@", "\t", "\r", "\n", "\0"):
        assert neutralise(f"{start}1+1") == f"'{start}1+1"
    assert neutralise("Ann") == "Ann"
    assert neutralise(None) == ""
    assert neutralise(42) == "42"


def test_the_csv_stream_gives_its_database_connection_back(app, client, login, db, org):
    _arrange(db, org)
    login(org["hr"])
    pool = database(app).engine.pool
    with client.get("/reports/audit.csv") as response:
        assert len(response.get_data(as_text=True).splitlines()) > 1
    assert pool.checkedout() == 0
