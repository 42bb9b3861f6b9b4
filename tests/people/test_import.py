"""Importing people from an HRIS file into the database: by the service, the CLI and the web.

An import is all or nothing: a file with any problem leaves the employees table exactly as
it was, whichever way it arrives.
"""

from __future__ import annotations

import html
import io
import re
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import Row, Table, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from lms.dbsession import database
from lms.people.hris import HrisFileError
from lms.people.importer import ImportSummary, import_people
from lms.people.models import Employee
from tests.helpers import csrf_token
from tests.people.hris_files import HEADER, MAX_BYTES, csv_file, person_row

employees: Table = Employee.__table__  # type: ignore[assignment]


def employee_rows(db: Session) -> list[Row[Any]]:
    """Every column of every employee, as committed (the test session's snapshot is ended)."""
    db.rollback()
    rows = db.execute(select(employees).order_by(employees.c.id)).all()
    db.rollback()
    return rows


def people(db: Session) -> dict[str, Employee]:
    """Everyone by employee id, freshly read."""
    db.rollback()
    db.expire_all()
    return {person.hris_id: person for person in db.scalars(select(Employee))}


def run_import(
    db: Session, data: bytes, *, deactivate_missing: bool = False, confirm: int | None = None
) -> ImportSummary:
    summary = import_people(
        db,
        data,
        deactivate_missing=deactivate_missing,
        max_bytes=MAX_BYTES,
        confirmed_deactivations=confirm,
    )
    db.commit()
    return summary


@pytest.fixture
def staff(make_employee: Callable[..., Employee]) -> dict[str, Employee]:
    """People already in Postwise: a director, her report, and a leaver."""
    maria = make_employee(
        hris_id="E100",
        email="maria@example.com",
        first_name="Maria",
        last_name="Boss",
        department="Sales",
        title="Director",
        password=None,
    )
    kim = make_employee(
        hris_id="E101",
        email="kim@example.com",
        first_name="Kim",
        last_name="Report",
        department="Sales",
        title="Rep",
        manager_id=maria.id,
        password=None,
    )
    old = make_employee(
        hris_id="E102",
        email="old@example.com",
        first_name="Olle",
        last_name="Gone",
        is_active=False,
        password=None,
    )
    return {"maria": maria, "kim": kim, "old": old}


# The staff fixture as an HRIS file says it: importing these rows changes nothing.
MARIA = person_row(
    "E100", "maria@example.com", "Maria", "Boss", department="Sales", title="Director"
)
KIM = person_row(
    "E101", "kim@example.com", "Kim", "Report", department="Sales", title="Rep", manager="E100"
)
OLD = person_row(
    "E102", "old@example.com", "Olle", "Gone", department="Marketing", status="inactive"
)
NEW = person_row("N1", "new@example.com", "Nia", "New")
KIM_PROMOTED = KIM.replace(",Rep,", ",Senior rep,")


# ------------------------------------------------------------------ counts and what is written


def test_first_import_creates_everyone_with_every_field(db):
    data = csv_file(
        person_row(
            "E1",
            "Ann@Example.com",
            "Ann",
            "Lee",
            department="Sales",
            title="Director",
            location="Oslo",
            hire_date="2020-01-15",
        ),
        person_row("E2", "bo@example.com", "Bo", "Ek", manager="E1", status="inactive"),
    )
    assert str(run_import(db, data)) == "created 2, updated 0, deactivated 0, unchanged 0"
    found = people(db)
    ann, bo = found["E1"], found["E2"]
    assert (ann.email, ann.first_name, ann.last_name) == ("ann@example.com", "Ann", "Lee")
    assert (ann.department, ann.title, ann.location) == ("Sales", "Director", "Oslo")
    assert ann.hire_date == date(2020, 1, 15)
    assert ann.is_active and ann.manager_id is None
    assert bo.manager_id == ann.id
    assert not bo.is_active
    assert bo.department is None and bo.hire_date is None
    assert not ann.is_hr_admin and ann.password_hash is None


def test_importing_the_same_file_again_changes_nothing(db, staff):
    data = csv_file(MARIA, KIM, person_row("E1", manager="E101"))
    assert str(run_import(db, data)) == "created 1, updated 0, deactivated 0, unchanged 2"
    before = employee_rows(db)
    assert str(run_import(db, data)) == "created 0, updated 0, deactivated 0, unchanged 3"
    assert employee_rows(db) == before


def test_changed_rows_are_updated_and_the_others_left_alone(db, staff):
    before = {r.hris_id: r for r in employee_rows(db)}
    data = csv_file(
        MARIA,
        person_row(
            "E101", "kim@example.com", "Kim", "Report-Smith", department="Support", manager=""
        ),
    )
    assert str(run_import(db, data)) == "created 0, updated 1, deactivated 0, unchanged 1"
    after = {r.hris_id: r for r in employee_rows(db)}
    assert after["E100"] == before["E100"]
    kim = after["E101"]
    assert (kim.last_name, kim.department, kim.title, kim.manager_id) == (
        "Report-Smith",
        "Support",
        None,
        None,
    )


def test_an_update_keeps_sign_in_and_hr_rights(db, make_employee):
    hr = make_employee(hris_id="E1", email="hr@example.com", is_hr_admin=True)
    password_hash = hr.password_hash
    summary = run_import(db, csv_file(person_row("E1", "hr@example.com", title="HR lead")))
    assert str(summary) == "created 0, updated 1, deactivated 0, unchanged 0"
    hr = people(db)["E1"]
    assert hr.title == "HR lead"
    assert hr.is_hr_admin
    assert hr.password_hash == password_hash


def test_status_inactive_deactivates_and_active_brings_back(db, staff):
    # One of the two active people: above the share, so the count is confirmed.
    summary = run_import(db, csv_file(MARIA, KIM.replace(",E100,,", ",E100,,inactive")), confirm=1)
    assert str(summary) == "created 0, updated 0, deactivated 1, unchanged 1"
    assert not people(db)["E101"].is_active
    summary = run_import(db, csv_file(MARIA, KIM, OLD.replace("inactive", "active")))
    assert str(summary) == "created 0, updated 2, deactivated 0, unchanged 1"
    assert people(db)["E101"].is_active and people(db)["E102"].is_active


def test_people_missing_from_the_file_stay_active_without_the_flag(db, staff):
    summary = run_import(db, csv_file(MARIA))
    assert str(summary) == "created 0, updated 0, deactivated 0, unchanged 1"
    assert people(db)["E101"].is_active


def test_deactivate_missing_deactivates_active_people_not_in_the_file(db, staff):
    summary = run_import(db, csv_file(MARIA, person_row("E1")), deactivate_missing=True, confirm=1)
    # Kim is missing and deactivated; Olle is missing but was already inactive.
    assert str(summary) == "created 1, updated 0, deactivated 1, unchanged 1"
    found = people(db)
    assert [h for h, p in sorted(found.items()) if p.is_active] == ["E1", "E100"]
    assert found["E101"].manager_id == staff["maria"].id  # kept: history stays intact


def test_an_email_changing_case_only_is_unchanged(db, staff):
    data = csv_file(MARIA.replace("maria@example.com", "Maria@EXAMPLE.com"), KIM)
    assert str(run_import(db, data)) == "created 0, updated 0, deactivated 0, unchanged 2"
    assert people(db)["E100"].email == "maria@example.com"


def test_two_people_can_swap_emails_in_one_file(db, staff):
    data = csv_file(
        MARIA.replace("maria@example.com", "kim@example.com"),
        KIM.replace("kim@example.com", "maria@example.com"),
    )
    assert str(run_import(db, data)) == "created 0, updated 2, deactivated 0, unchanged 0"
    found = people(db)
    assert (found["E100"].email, found["E101"].email) == ("kim@example.com", "maria@example.com")


def test_an_address_given_up_by_one_person_can_go_to_a_new_person(db, staff):
    data = csv_file(MARIA.replace("maria@", "maria.boss@"), person_row("E1", "maria@example.com"))
    assert str(run_import(db, data)) == "created 1, updated 1, deactivated 0, unchanged 0"
    found = people(db)
    assert (found["E100"].email, found["E1"].email) == (
        "maria.boss@example.com",
        "maria@example.com",
    )


def test_a_manager_already_in_postwise_is_linked(db, staff):
    summary = run_import(db, csv_file(person_row("E1", manager="E100")))
    assert str(summary) == "created 1, updated 0, deactivated 0, unchanged 0"
    assert people(db)["E1"].manager_id == staff["maria"].id


@pytest.mark.parametrize(
    "order",
    [("boss", "lead", "report"), ("report", "lead", "boss"), ("lead", "report", "boss")],
    ids=lambda order: " then ".join(order),
)
def test_new_managers_and_reports_in_one_file_are_linked_in_any_row_order(db, order):
    rows = {
        "boss": person_row("B1"),
        "lead": person_row("L1", manager="B1"),
        "report": person_row("R1", manager="L1"),
    }
    summary = run_import(db, csv_file(*(rows[name] for name in order)))
    assert str(summary) == "created 3, updated 0, deactivated 0, unchanged 0"
    found = people(db)
    assert found["L1"].manager_id == found["B1"].id
    assert found["R1"].manager_id == found["L1"].id


def test_an_existing_person_can_move_under_a_new_manager(db, staff):
    data = csv_file(MARIA, KIM.replace(",E100,", ",N1,"), person_row("N1", manager="E100"))
    assert str(run_import(db, data)) == "created 1, updated 1, deactivated 0, unchanged 1"
    found = people(db)
    assert found["E101"].manager_id == found["N1"].id
    assert found["N1"].manager_id == found["E100"].id


def test_the_service_leaves_committing_to_its_caller(db, staff):
    before = employee_rows(db)
    summary = import_people(db, csv_file(NEW, KIM_PROMOTED), max_bytes=MAX_BYTES)
    assert str(summary) == "created 1, updated 1, deactivated 0, unchanged 0"
    db.rollback()  # the web and the CLI roll back when anything later goes wrong
    assert employee_rows(db) == before


def test_two_imports_at_once_run_one_after_the_other(app, db):
    """The second import waits for the first and then finds everyone already there."""
    data = csv_file(*[person_row(f"E{n}") for n in range(50)])
    summaries: list[ImportSummary] = []
    first_has_imported = threading.Event()

    def slow_import() -> None:
        with database(app).sessions() as session:
            summaries.append(import_people(session, data, max_bytes=MAX_BYTES))
            first_has_imported.set()
            time.sleep(0.4)  # hold the transaction open while the other import starts
            session.commit()

    first = threading.Thread(target=slow_import)
    first.start()
    assert first_has_imported.wait(timeout=10)
    with database(app).sessions() as session:
        second = import_people(session, data, max_bytes=MAX_BYTES)
        session.commit()
    first.join()
    assert str(summaries[0]) == "created 50, updated 0, deactivated 0, unchanged 0"
    assert str(second) == "created 0, updated 0, deactivated 0, unchanged 50"
    assert len(employee_rows(db)) == 50


def test_an_email_of_another_person_in_postwise_is_refused(db, staff):
    before = employee_rows(db)
    with pytest.raises(HrisFileError) as refused:
        run_import(db, csv_file(person_row("E1"), person_row("E2", "KIM@example.com")))
    assert str(refused.value) == (
        "row 3, column B (email): 'kim@example.com' already belongs to employee E101 in Postwise"
    )
    assert employee_rows(db) == before


# ------------------------------------------------------------------ any problem: nothing written

# Every bad file below also holds a valid new person (row 2) and a valid change to Kim
# (row 3), so a partial write would show.

BAD_FILES = [
    pytest.param(
        csv_file(NEW, KIM_PROMOTED, ",x@example.com,X,Y,,,,,,"),
        "row 4, column A (employee_id): is empty; every person needs one",
        id="missing employee_id",
    ),
    pytest.param(
        csv_file(NEW, KIM_PROMOTED, "N2,,X,Y,,,,,,"),
        "row 4, column B (email): is empty",
        id="missing email",
    ),
    pytest.param(
        csv_file(NEW, KIM_PROMOTED, "N2,n2@example.com,,Y,,,,,,"),
        "row 4, column C (first_name): is empty",
        id="missing first_name",
    ),
    pytest.param(
        csv_file(NEW, KIM_PROMOTED, "N2,n2@example.com,X,,,,,,,"),
        "row 4, column D (last_name): is empty",
        id="missing last_name",
    ),
    pytest.param(
        csv_file(NEW, KIM_PROMOTED, person_row("N1", "other@example.com")),
        "row 4, column A (employee_id): 'N1' is already used in row 2",
        id="employee_id twice in the file",
    ),
    pytest.param(
        csv_file(NEW, KIM_PROMOTED, person_row("N2", "NEW@example.com")),
        "row 4, column B (email): 'new@example.com' is already used in row 2",
        id="email twice in the file",
    ),
    pytest.param(
        csv_file(NEW, KIM_PROMOTED, person_row("N2", "Maria@Example.com")),
        "row 4, column B (email): 'maria@example.com' already belongs to employee E100",
        id="email of another person in Postwise",
    ),
    pytest.param(
        csv_file(NEW, KIM_PROMOTED, person_row("N2", "n2(at)example.com")),
        "row 4, column B (email): 'n2(at)example.com' is not a valid email address",
        id="malformed email",
    ),
    pytest.param(
        csv_file(NEW, KIM_PROMOTED, person_row("N2", manager="E999")),
        "row 4, column H (manager_id): no employee has the id 'E999', in this file or in Postwise",
        id="unknown manager",
    ),
    pytest.param(
        csv_file(NEW, KIM_PROMOTED, person_row("N2", manager="N3"), person_row("N3", manager="N2")),
        "row 4, column H (manager_id): reporting cycle: N2 → N3 → N2",
        id="reporting cycle in the file",
    ),
    pytest.param(
        csv_file(NEW, KIM_PROMOTED, MARIA.replace(",Director,,", ",Director,,E101")),
        "row 3, column H (manager_id): reporting cycle: E101 → E100 → E101",
        id="reporting cycle with a person in Postwise",
    ),
    pytest.param(
        csv_file(NEW, KIM_PROMOTED, person_row("N2", hire_date="15.01.2020")),
        "row 4, column I (hire_date): '15.01.2020' is not a date; write it as YYYY-MM-DD",
        id="bad date",
    ),
    pytest.param(
        csv_file(NEW, KIM_PROMOTED, person_row("N2", status="on leave")),
        "row 4, column J (status): 'on leave' is not a status; use active or inactive",
        id="unknown status",
    ),
    pytest.param(
        csv_file(NEW, KIM_PROMOTED, person_row("N2", title="T" * 201)),
        "row 4, column F (title): is 201 characters long; the limit is 200",
        id="value too long",
    ),
    pytest.param(
        csv_file(NEW, KIM_PROMOTED, person_row("N2", "n2@example.com", "Jürgen"))
        .decode()
        .encode("cp1252"),
        "row 4: the file is not UTF-8 text (byte 0xFC cannot be read)",
        id="wrong encoding",
    ),
    pytest.param(
        csv_file(KIM_PROMOTED, header=NEW),
        "row 1: the header row lacks the columns employee_id, email, first_name, last_name",
        id="missing header",
    ),
    pytest.param(
        csv_file(NEW, KIM_PROMOTED, person_row("N2") + ",surplus"),
        "row 4: has 11 values but the header names 10 columns",
        id="too many fields",
    ),
    pytest.param(
        csv_file(NEW, KIM_PROMOTED, person_row("N2", "n2@example.com", "Jo\x00e")),
        "row 4, column C (first_name): holds a NUL character (\\x00), which cannot be stored; "
        "remove it",
        id="nul in a cell",
    ),
    pytest.param(
        csv_file(NEW, header=HEADER.replace("title", "ti\x00tle")),
        "row 1, column F: the header holds a NUL character (\\x00); remove it",
        id="nul in the header",
    ),
    pytest.param(b"", "the file is empty", id="empty file"),
    pytest.param(csv_file(), "the file has a header but no people", id="header only"),
]


def import_with_cli(runner: FlaskCliRunner, tmp_path: Path, data: bytes, *options: str) -> Result:
    path = tmp_path / "people.csv"
    path.write_bytes(data)
    return runner.invoke(args=["people", "import", str(path), *options])


@pytest.mark.parametrize(("data", "expected"), BAD_FILES)
def test_a_bad_file_writes_nothing_by_the_service_or_the_cli(
    db, staff, runner, tmp_path, data, expected
):
    before = employee_rows(db)

    with pytest.raises(HrisFileError) as refused:
        import_people(db, data, deactivate_missing=True, max_bytes=MAX_BYTES)
    assert expected in str(refused.value)
    assert not (db.new or db.dirty or db.deleted)
    # Read inside the import's own transaction: a flushed but uncommitted write would show.
    assert db.execute(select(employees).order_by(employees.c.id)).all() == before
    assert employee_rows(db) == before

    result = import_with_cli(runner, tmp_path, data, "--deactivate-missing")
    assert result.exit_code == 1
    assert (
        f"{tmp_path / 'people.csv'}: nothing was imported; "
        "fix these problems and run the import again:"
    ) in result.stderr
    assert f"\n  {expected}" in result.stderr
    assert "Imported" not in result.stdout
    assert employee_rows(db) == before


# ------------------------------------------------------------------ the command line


def test_cli_import_prints_one_summary_line(db, staff, runner, tmp_path):
    result = import_with_cli(runner, tmp_path, csv_file(MARIA, KIM_PROMOTED, NEW))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Imported people.csv: created 1, updated 1, deactivated 0, unchanged 1."
        " Assignments synced: created 0 enrollments (0 new, 0 renewed), reinstated 0, withdrawn 0."
    ]
    assert people(db)["E101"].title == "Senior rep"


def test_cli_deactivate_missing(db, staff, runner, tmp_path):
    result = import_with_cli(
        runner, tmp_path, csv_file(MARIA), "--deactivate-missing", "--confirm-deactivations", "1"
    )
    assert result.exit_code == 0, result.output
    assert "created 0, updated 0, deactivated 1, unchanged 1" in result.stdout
    assert not people(db)["E101"].is_active


def test_cli_lists_every_problem_one_per_line(db, staff, runner, tmp_path):
    data = csv_file(
        person_row("N1", "bad-address"),
        person_row("N2", hire_date="2024-13-13"),
        person_row("N3", status="gone"),
    )
    result = import_with_cli(runner, tmp_path, data)
    assert result.exit_code == 1
    problems = [line.strip() for line in result.stderr.splitlines() if line.startswith("  row")]
    assert [p.split(":")[0] for p in problems] == [
        "row 2, column B (email)",
        "row 3, column I (hire_date)",
        "row 4, column J (status)",
    ]


def test_problems_in_the_rows_and_against_postwise_are_reported_together(
    db, staff, runner, tmp_path
):
    """Every problem, not just the first kind: a bad address must not hide an unknown manager."""
    data = csv_file(
        person_row("N1", "bad-address"),
        person_row("N2", manager="E999"),
        person_row("N3", "kim@example.com"),
    )
    result = import_with_cli(runner, tmp_path, data)
    assert result.exit_code == 1
    assert "row 2, column B (email)" in result.stderr
    assert "row 3, column H (manager_id): no employee has the id 'E999'" in result.stderr
    assert "row 4, column B (email): 'kim@example.com' already belongs to employee E101" in (
        result.stderr
    )


def test_cli_refuses_a_file_that_does_not_exist(runner, tmp_path):
    result = runner.invoke(args=["people", "import", str(tmp_path / "missing.csv")])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_cli_refuses_a_50_mb_file_with_a_clear_message(db, staff, runner, tmp_path):
    line = (person_row("N1") + "\n").encode()
    data = csv_file() + line * (50 * 1_048_576 // len(line) + 1)
    before = employee_rows(db)
    result = import_with_cli(runner, tmp_path, data)
    assert result.exit_code == 1
    assert "the file is 50.0 MB; the largest file Postwise imports is 20 MB" in result.stderr
    assert employee_rows(db) == before


@pytest.fixture
def one_mb_limit(app_config: dict[str, Any]) -> int:
    """Set IMPORT_MAX_MB=1; request it before `app`, `runner` or `client`."""
    app_config["IMPORT_MAX_MB"] = 1
    return 1_048_576


def padded_file(size: int) -> bytes:
    """A valid one-person file of exactly `size` bytes, padded out in ignored columns."""
    columns = 10  # each pad stays under the csv module's 128 KiB field limit
    header = HEADER + "".join(f",pad{n}" for n in range(columns))
    room = size - len(csv_file(person_row("N1") + "," * columns, header=header))
    pads = [room // columns + (1 if n < room % columns else 0) for n in range(columns)]
    data = csv_file(person_row("N1") + "".join("," + "x" * pad for pad in pads), header=header)
    assert len(data) == size
    return data


def test_the_size_limit_follows_import_max_mb(one_mb_limit, db, runner, tmp_path):
    at_limit = import_with_cli(runner, tmp_path, padded_file(one_mb_limit))
    assert at_limit.exit_code == 0, at_limit.output
    assert "created 1" in at_limit.stdout
    over = import_with_cli(runner, tmp_path, padded_file(one_mb_limit + 1))
    assert over.exit_code == 1
    assert "the largest file Postwise imports is 1 MB" in over.stderr


# ------------------------------------------------------------------ the web upload


@pytest.fixture
def hr(make_employee: Callable[..., Employee]) -> Employee:
    """An HR admin who can sign in (E900, hana@example.com, Hana Rao, Ops)."""
    return make_employee(
        hris_id="E900",
        email="hana@example.com",
        first_name="Hana",
        last_name="Rao",
        department="Ops",
        is_hr_admin=True,
    )


HANA = person_row("E900", "hana@example.com", "Hana", "Rao", department="Ops")


def upload(client: FlaskClient, data: bytes, *, deactivate_missing: bool = False) -> Any:
    """Send a file: the answer is its preview, or the page listing its problems."""
    form: dict[str, Any] = {
        "file": (io.BytesIO(data), "people.csv"),
        "csrf_token": csrf_token(client, "/people/import"),
    }
    if deactivate_missing:
        form["deactivate_missing"] = "y"
    return client.post(
        "/people/import", data=form, content_type="multipart/form-data", follow_redirects=True
    )


_KEY = re.compile(r'name="key" type="hidden" value="([^"]+)"')


def confirm(client: FlaskClient, preview: Any, **fields: str) -> Any:
    """Press "Import these changes" on a preview page, with whatever else was typed."""
    match = _KEY.search(preview.get_data(as_text=True))
    assert match, "no confirm form on the page"
    data = {"key": match.group(1), "csrf_token": csrf_token(client, "/"), **fields}
    return client.post("/people/import/confirm", data=data, follow_redirects=True)


def upload_large(client: FlaskClient, data: bytes) -> Any:
    """Upload a body over 500 KB built in memory: the test client would spool it to a temporary
    file that it leaves open when the server refuses to read it (a ResourceWarning)."""
    file = FileStorage(io.BytesIO(data), filename="people.csv", content_type="text/csv")
    token = csrf_token(client, "/people/import")
    boundary, body = encode_multipart({"file": file, "csrf_token": token})
    return client.post(
        "/people/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def page_text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_hr_uploads_a_file_and_sees_the_counts_on_the_people_page(db, staff, hr, login):
    client = login(hr)
    preview = upload(client, csv_file(MARIA, KIM_PROMOTED, person_row("N1", manager="E101")))
    response = confirm(client, preview)
    assert response.status_code == 200
    assert response.request.path == "/people/"
    assert "Import finished: created 1, updated 1, deactivated 0, unchanged 1." in page_text(
        response
    )
    found = people(db)
    assert found["N1"].manager_id == staff["kim"].id
    assert found["E101"].title == "Senior rep"


def test_hr_upload_can_deactivate_people_missing_from_the_file(db, staff, hr, login):
    client = login(hr)
    preview = upload(client, csv_file(HANA, person_row("N1")), deactivate_missing=True)
    response = confirm(client, preview, deactivations="2")
    # Maria and Kim leave; Olle had already left; Hana is in the file and stays signed in.
    assert "Import finished: created 1, updated 0, deactivated 2, unchanged 1." in page_text(
        response
    )
    assert sorted(h for h, p in people(db).items() if p.is_active) == ["E900", "N1"]


def test_hr_upload_of_a_bad_file_lists_every_problem_and_changes_nothing(db, staff, hr, login):
    client = login(hr)
    before = employee_rows(db)
    data = csv_file(
        NEW, KIM_PROMOTED, person_row("N2", "no-at-sign"), person_row("N3", status="sacked")
    )
    response = upload(client, data, deactivate_missing=True)
    assert response.status_code == 200
    assert response.request.path == "/people/import"
    text = page_text(response)
    assert "Nothing was imported" in text
    assert "row 4, column B (email): 'no-at-sign' is not a valid email address" in text
    assert "row 5, column J (status): 'sacked' is not a status; use active or inactive" in text
    assert "Import finished" not in text
    assert employee_rows(db) == before


def test_hr_upload_with_a_nul_in_a_cell_names_its_row_and_column(db, staff, hr, login):
    """PostgreSQL cannot store a NUL: the import answered 500 there, and SQLite stored it."""
    client = login(hr)
    before = employee_rows(db)
    response = upload(client, csv_file(MARIA, person_row("N1", department="Sa\x00les")))
    assert response.status_code == 200
    assert "row 3, column E (department): holds a NUL character (\\x00)" in page_text(response)
    assert employee_rows(db) == before


def test_problems_on_the_page_are_escaped(hr, login):
    client = login(hr)
    response = upload(client, csv_file(person_row("N1", "<script>alert(1)</script>")))
    assert "is not a valid email address" in page_text(response)
    assert "<script>alert(1)" not in response.get_data(as_text=True)


def test_hr_upload_without_a_file_asks_for_one(db, hr, login):
    client = login(hr)
    before = employee_rows(db)
    response = client.post(
        "/people/import", data={"csrf_token": csrf_token(client, "/people/import")}
    )
    assert response.status_code == 200
    assert "Choose the CSV file exported from your HRIS." in page_text(response)
    assert employee_rows(db) == before


def test_hr_upload_over_the_limit_is_refused_and_changes_nothing(one_mb_limit, db, hr, login):
    client = login(hr)
    before = employee_rows(db)
    # Just over IMPORT_MAX_MB: read, and refused with the limit in words.
    response = upload_large(client, padded_file(one_mb_limit + 1))
    assert response.status_code == 200
    assert "the largest file Postwise imports is 1 MB" in page_text(response)
    # Far over it: the server refuses the request before reading the upload.
    response = upload_large(client, padded_file(2 * one_mb_limit))
    assert response.status_code == 413
    assert "That file is too large" in page_text(response)
    assert employee_rows(db) == before


@pytest.mark.parametrize("role", ["employee", "manager"])
def test_only_hr_may_import(db, make_employee, login, role):
    someone = make_employee()
    if role == "manager":
        make_employee(manager_id=someone.id, password=None)
    client = login(someone)
    assert client.get("/people/import").status_code == 403
    before = employee_rows(db)
    response = client.post(
        "/people/import",
        data={
            "file": (io.BytesIO(csv_file(person_row("N1"))), "people.csv"),
            "csrf_token": csrf_token(client, "/"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert "This page is not for your role" in page_text(response)
    assert employee_rows(db) == before


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/people/import")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_the_problems_of_a_file_are_said_in_the_readers_language(client, login, org, db):
    hr = login(org["hr"])
    bad = csv_file(person_row("E901", "not-an-email", "Ana", "Ruiz"))
    english = upload(hr, bad)
    assert "not a valid email address" in english.get_data(as_text=True)
    hr.post(
        "/settings/language",
        data={"csrf_token": csrf_token(hr, "/"), "language": "de"},
    )
    page = upload(hr, bad).get_data(as_text=True)
    assert "Zeile 2, Spalte" in page and "ist keine gültige E-Mail-Adresse" in page
