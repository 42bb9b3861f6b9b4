"""HR browses the audit log, filters it, and downloads it as a safe CSV file."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from lms import clock
from lms.audit.services import ACTION_LABELS, ACTIONS, action_label, record
from lms.dbsession import database
from lms.precheck.profile import DEFAULT_PROFILE
from lms.precheck.services import save_profile
from lms.spreadsheet import neutralise


def _arrange(db, org):
    record(db, "role.granted", "employee T0002 (person2@example.com)", actor_id=org["hr"].id)
    clock.advance(timedelta(days=2))
    record(db, "people.imported", '=HYPERLINK("http://evil")', actor_id=None, after="created 1")
    db.commit()


def _table(page: str) -> str:
    return page[page.index("<tbody>") : page.index("</tbody>")]


def test_hr_sees_events_newest_first_with_who_did_them(client, login, db, org):
    _arrange(db, org)
    login(org["hr"])
    page = client.get("/reports/audit").get_data(as_text=True)
    assert "2 entries found" in page
    table = _table(page)
    assert table.index("Imported people from an HRIS file") < table.index("Made an HR admin")
    assert "people.imported" not in table and "role.granted" not in table  # codes stay out
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
    assert rows[0] == [
        "time_utc",
        "actor",
        "action",
        "target",
        "before",
        "after",
        "what_happened",
        "before_in_words",
        "after_in_words",
    ]
    assert rows[1] == [
        "2026-03-04 09:00:00",
        "command line",
        "people.imported",
        '\'=HYPERLINK("http://evil")',
        "",
        "created 1",
        "Imported people from an HRIS file",
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


def _change_precheck_settings(db, org):
    save_profile(db, DEFAULT_PROFILE.with_changes(industry="finance"), actor_id=org["hr"].id)
    changed = DEFAULT_PROFILE.with_changes(
        industry="finance", competitors=("Rival Inc", "Other Co"), require_disclaimer=False
    )
    save_profile(db, changed, actor_id=org["hr"].id)
    db.commit()


def test_changed_settings_read_as_named_fields_not_yaml(client, login, db, org):
    _change_precheck_settings(db, org)
    login(org["hr"])
    table = _table(client.get("/reports/audit").get_data(as_text=True))
    assert "Changed the pre-check settings" in table
    assert "precheck.settings_changed" not in table
    # Only what changed, by the names on the settings page, in words.
    assert "<strong>Competitor names:</strong> none" in table
    assert "<strong>Competitor names:</strong> Rival Inc, Other Co" in table
    assert "<strong>Ask for “views are my own”:</strong> yes" in table
    assert "<strong>Ask for “views are my own”:</strong> no" in table
    assert "<strong>Industry:</strong> general" in table
    for yaml_key in ("competitors:", "require_disclaimer", "employer_names", "- Rival Inc"):
        assert yaml_key not in table


def test_the_csv_says_the_settings_change_in_words_beside_the_saved_text(client, login, db, org):
    _change_precheck_settings(db, org)
    login(org["hr"])
    with client.get("/reports/audit.csv?action=precheck.settings_changed") as response:
        header, first, second = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    row = dict(zip(header, second, strict=True))
    assert row["what_happened"] == "Changed the pre-check settings"
    assert row["before_in_words"] == "Competitor names: none; Ask for “views are my own”: yes"
    assert row["after_in_words"] == (
        "Competitor names: Rival Inc, Other Co; Ask for “views are my own”: no"
    )
    assert "competitors:" in row["after"]  # the saved text itself, for scripts
    assert dict(zip(header, first, strict=True))["after_in_words"] == "Industry: finance"


def test_the_action_filter_offers_actions_by_name(client, login, org):
    login(org["hr"])
    page = client.get("/reports/audit").get_data(as_text=True)
    assert '<option value="enrollment.exempted">Exempted from a course</option>' in page


def test_every_action_has_a_name():
    assert set(ACTION_LABELS) == set(ACTIONS)
    assert action_label("enrollment.exempted") == "Exempted from a course"
    assert action_label("some.new_thing") == "Some new thing"  # never a bare code
