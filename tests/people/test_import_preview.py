"""An import shows what it will do before it does it, asks for the number of deactivations
when many people leave at once, and never deactivates the importing admin or the last HR
admin: in the browser form and on the command line alike.

The incident behind it: a one-row file imported with "Deactivate people who are not in this
file" ticked deactivated 50 of 51 people, every HR admin among them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms import clock
from lms.audit.models import AuditEvent
from lms.people.hris import read_hris_csv
from lms.people.import_plan import StoredPerson, plan_import
from lms.people.import_preview import preview_plan
from lms.people.models import Employee, PendingImport
from tests.helpers import csrf_token, sign_in
from tests.people.hris_files import MAX_BYTES, csv_file, person_row
from tests.people.test_import import (
    confirm,
    employee_rows,
    import_with_cli,
    page_text,
    people,
    upload,
)

Org = dict[str, Employee]


@pytest.fixture
def company(make_employee: Callable[..., Employee]) -> Org:
    """51 active people: Hana (the HR admin who imports), two more HR admins, 48 others."""
    made = {
        "hana": make_employee(
            hris_id="E900",
            email="hana@example.com",
            first_name="Hana",
            last_name="Rao",
            is_hr_admin=True,
        ),
        "ivo": make_employee(
            hris_id="E901",
            email="ivo@example.com",
            first_name="Ivo",
            last_name="Hart",
            is_hr_admin=True,
            password=None,
        ),
        "jo": make_employee(
            hris_id="E902",
            email="jo@example.com",
            first_name="Jo",
            last_name="Kent",
            is_hr_admin=True,
            password=None,
        ),
    }
    for n in range(48):
        made[f"s{n}"] = make_employee(
            hris_id=f"S{n:03d}", email=f"s{n}@example.com", first_name=f"Staff{n}",
            last_name="Member", password=None,
        )  # fmt: skip
    return made


def row_of(person: Employee, **changes: str) -> str:
    """The person's row as the HRIS would export it today (optionally changed)."""
    values: dict[str, Any] = {
        "department": person.department or "",
        "title": person.title or "",
        "location": person.location or "",
    }
    values.update(changes)
    return person_row(person.hris_id, person.email, person.first_name, person.last_name, **values)


def audit_events(db: Session) -> list[tuple[str, str, int | None, str | None]]:
    db.rollback()
    return [
        (e.action, e.target, e.actor_id, e.after)
        for e in db.scalars(select(AuditEvent).order_by(AuditEvent.id))
    ]


def active_count(db: Session) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(Employee).where(Employee.is_active)) or 0


# ------------------------------------------------------------------ the browser form


def test_the_one_row_file_is_previewed_and_needs_the_count_typed(db, company, login):
    """Hana's own row alone, with the box ticked: 50 of 51 would go; nothing happens until
    she types 50."""
    client = login(company["hana"])
    before = employee_rows(db)

    preview = upload(client, csv_file(row_of(company["hana"])), deactivate_missing=True)
    text = page_text(preview)
    assert preview.status_code == 200
    assert "Check the import before it runs" in text
    assert "Deactivated: 50 people" in text
    assert "Ivo Hart (E901): not in the file" in text
    assert "…and 40 more." in text
    assert "This import deactivates 50 of the 51 active people (98%)." in text
    assert "Added: 0 people" in text and "Unchanged: 1 person." in text
    # The preview wrote nothing but the staged file.
    assert employee_rows(db) == before
    assert audit_events(db) == []

    # One click is not enough; a wrong number is not either.
    for typed in ({}, {"deactivations": "5"}):
        refused = confirm(client, preview, **typed)
        assert "Type 50, the number of people this import deactivates, to confirm it." in (
            page_text(refused)
        )
        assert employee_rows(db) == before

    done = confirm(client, preview, deactivations="50")
    assert done.request.path == "/people/"
    assert "Import finished: created 0, updated 0, deactivated 50, unchanged 1." in page_text(done)
    assert active_count(db) == 1
    assert people(db)["E900"].is_active
    assert audit_events(db)[0] == (
        "people.imported",
        "HRIS file of 1 person with --deactivate-missing",
        company["hana"].id,
        "created 0, updated 0, deactivated 50, unchanged 1",
    )
    assert db.scalar(select(func.count()).select_from(PendingImport)) == 0


def test_a_one_row_file_without_the_importer_is_refused_and_changes_nothing(db, company, login):
    client = login(company["hana"])
    before = employee_rows(db)
    response = upload(client, csv_file(row_of(company["s0"])), deactivate_missing=True)
    text = page_text(response)
    assert "Nothing was imported" in text
    assert (
        "you (Hana Rao (E900)) are not in this file, so the import would deactivate you, "
        "the person importing" in text
    )
    assert "the import would deactivate every active HR admin (Hana Rao (E900), Ivo Hart " in text
    assert "Import these changes" not in text
    assert employee_rows(db) == before
    assert db.scalar(select(func.count()).select_from(PendingImport)) == 0


def test_a_row_that_makes_the_importer_inactive_is_refused_with_its_row(db, company, login):
    client = login(company["hana"])
    before = employee_rows(db)
    data = csv_file(row_of(company["s0"]), row_of(company["hana"], status="inactive"))
    text = page_text(upload(client, data))
    assert (
        "row 3, column J (status): this row deactivates you (Hana Rao (E900)), the person "
        "importing" in text
    )
    assert employee_rows(db) == before


def test_a_small_import_needs_one_click_and_lists_each_kind_of_change(db, company, login):
    client = login(company["hana"])
    data = csv_file(
        *(row_of(person) for key, person in company.items() if key not in {"s1", "s2"}),
        row_of(company["s1"], title="Team lead"),
        person_row(
            "S002", "s2@example.com", "Staff2", "Member", department="Marketing", manager="E901"
        ),
        person_row("N1", "nia@example.com", "Nia", "New", manager="S001"),
    )
    preview = upload(client, data)
    text = page_text(preview)
    assert "Added: 1 person" in text and "Nia New (N1)" in text
    assert "Changed: 1 person" in text and "Staff1 Member (S001): title" in text
    assert "Moved to another manager: 1 person" in text
    assert "Staff2 Member (S002): from no manager to Ivo Hart (E901)" in text
    assert "Deactivated: 0 people" in text
    assert "Type the number" not in text
    done = confirm(client, preview)
    assert "Import finished: created 1, updated 2, deactivated 0, unchanged 49." in page_text(done)
    assert people(db)["N1"].manager_id == company["s1"].id


def test_a_confirmation_after_people_changed_shows_the_new_plan_and_imports_nothing(
    db, company, login, runner, tmp_path
):
    client = login(company["hana"])
    preview = upload(client, csv_file(row_of(company["s0"], title="Analyst")))
    assert "Staff0 Member (S000): title" in page_text(preview)
    # Meanwhile someone imports on the command line: Staff0 is promoted, a newcomer arrives.
    other = import_with_cli(
        runner, tmp_path, csv_file(row_of(company["s0"], title="Director"), person_row("N7"))
    )
    assert other.exit_code == 0, other.output
    before = employee_rows(db)

    stale = confirm(client, preview)
    text = page_text(stale)
    assert "Nothing was imported: the people in Postwise changed since your preview" in text
    assert "Changed: 1 person" in text
    assert employee_rows(db) == before
    assert [e[0] for e in audit_events(db)] == ["people.imported"]  # the CLI's only

    # The new preview's own confirmation applies the new plan.
    done = confirm(client, stale)
    assert "Import finished: created 0, updated 1, deactivated 0, unchanged 0." in page_text(done)
    assert people(db)["S000"].title == "Analyst"


def test_a_preview_is_confirmed_once_by_the_admin_who_saw_it_within_two_hours(
    db, company, login, app
):
    client = login(company["hana"])
    preview = upload(client, csv_file(row_of(company["s0"], title="Analyst")))
    assert "Import finished" in page_text(confirm(client, preview))
    again = confirm(client, preview)
    assert again.request.path == "/people/import"
    assert "That preview is no longer available" in page_text(again)

    later = upload(client, csv_file(row_of(company["s0"], title="Lead")))
    clock.advance(timedelta(hours=2, minutes=1))
    client = app.test_client()  # the old session has timed out by now
    sign_in(client, company["hana"].email)
    assert "That preview is no longer available" in page_text(confirm(client, later))
    assert people(db)["S000"].title == "Analyst"


@pytest.mark.parametrize("key", ["", "not-a-key", "x" * 65, "../../etc"])
def test_a_confirmation_without_a_real_preview_is_sent_back_to_the_upload(db, company, login, key):
    client = login(company["hana"])
    before = employee_rows(db)
    data = {"key": key, "csrf_token": csrf_token(client, "/people/import")}
    response = client.post("/people/import/confirm", data=data, follow_redirects=True)
    assert response.request.path == "/people/import"
    assert "That preview is no longer available" in page_text(response)
    assert employee_rows(db) == before


def test_a_confirmation_key_holding_a_nul_is_refused_naming_the_field(db, company, login):
    client = login(company["hana"])
    before = employee_rows(db)
    data = {"key": "bad\x00key", "csrf_token": csrf_token(client, "/people/import")}
    response = client.post("/people/import/confirm", data=data)
    assert response.status_code == 400
    assert "“key” contains an invisible control character" in page_text(response)
    assert employee_rows(db) == before


def test_another_admin_cannot_confirm_a_preview(db, company, app, make_employee):
    hana = app.test_client()
    sign_in(hana, company["hana"].email)
    preview = upload(hana, csv_file(row_of(company["s0"], title="Analyst")))
    ivy_person = make_employee(hris_id="E903", email="ivy@example.com", is_hr_admin=True)
    ivy = app.test_client()
    sign_in(ivy, ivy_person.email)
    assert "That preview is no longer available" in page_text(confirm(ivy, preview))
    assert people(db)["S000"].title is None


# ------------------------------------------------------------------ the command line


def test_cli_dry_run_prints_the_plan_and_changes_nothing(db, company, runner, tmp_path):
    before = employee_rows(db)
    result = import_with_cli(
        runner, tmp_path, csv_file(row_of(company["hana"])), "--deactivate-missing", "--dry-run"
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "people.csv: what the import would do (dry run: nothing was changed):"
    assert "  Added: 0" in lines
    assert any(
        line.startswith("  Deactivated: 50 (Ivo Hart (E901): not in the file") for line in lines
    )
    assert lines[-1] == (
        "This import deactivates 50 of the 51 active people (98%). "
        "The import needs --confirm-deactivations 50."
    )
    assert employee_rows(db) == before
    assert audit_events(db) == []


def test_cli_needs_the_number_of_deactivations_above_the_share(db, company, runner, tmp_path):
    before = employee_rows(db)
    data = csv_file(row_of(company["hana"]))
    for extra in ([], ["--confirm-deactivations", "49"]):
        result = import_with_cli(runner, tmp_path, data, "--deactivate-missing", *extra)
        assert result.exit_code == 1
        assert "nothing was imported. What the import would do:" in result.stderr
        assert "If that is right, run the import again with --confirm-deactivations 50." in (
            result.stderr
        )
        assert employee_rows(db) == before
    result = import_with_cli(
        runner, tmp_path, data, "--deactivate-missing", "--confirm-deactivations", "50"
    )
    assert result.exit_code == 0, result.output
    assert "deactivated 50" in result.stdout
    assert active_count(db) == 1


def test_cli_never_deactivates_the_last_hr_admin(db, company, runner, tmp_path):
    before = employee_rows(db)
    result = import_with_cli(
        runner,
        tmp_path,
        csv_file(row_of(company["s0"])),
        "--deactivate-missing",
        "--confirm-deactivations",
        "50",
    )
    assert result.exit_code == 1
    assert "nothing was imported; fix these problems" in result.stderr
    assert (
        "the import would deactivate every active HR admin (Hana Rao (E900), Ivo Hart (E901), "
        "Jo Kent (E902)), and nobody could manage Postwise afterwards" in result.stderr
    )
    assert employee_rows(db) == before
    # One HR admin kept in the file is enough.
    kept = import_with_cli(
        runner,
        tmp_path,
        csv_file(row_of(company["s0"]), row_of(company["jo"])),
        "--deactivate-missing",
        "--confirm-deactivations",
        "49",
    )
    assert kept.exit_code == 0, kept.output
    assert people(db)["E902"].is_active and not people(db)["E900"].is_active


def test_cli_without_deactivations_asks_for_nothing(db, company, runner, tmp_path):
    result = import_with_cli(runner, tmp_path, csv_file(row_of(company["s0"], title="Analyst")))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Imported people.csv: created 0, updated 1")


# ------------------------------------------------------------------ the plan in words


def _stored(
    n: int, hris_id: str, *, active: bool = True, manager: str | None = None
) -> StoredPerson:
    (record,) = read_hris_csv(
        csv_file(person_row(hris_id, manager=manager or "", status="" if active else "inactive")),
        max_bytes=MAX_BYTES,
    ).records
    return StoredPerson(n, record)


def test_each_change_is_in_exactly_one_list_with_the_first_ten_named():
    stored = [
        _stored(1, "M1"),
        _stored(2, "A1", manager="M1"),
        _stored(3, "B1", active=False),
        *(_stored(10 + n, f"L{n:02d}") for n in range(12)),
    ]
    existing = {person.record.hris_id: person for person in stored}
    data = csv_file(
        person_row("M1"),
        person_row("A1"),  # moved: no manager now
        person_row("B1", title="Back"),  # reactivated, and retitled
        person_row("N1"),
    )
    plan = plan_import(read_hris_csv(data, max_bytes=MAX_BYTES), existing, deactivate_missing=True)
    preview = preview_plan(plan, existing, [], deactivate_missing=True)
    assert (preview.added.count, preview.moved.count, preview.reactivated.count) == (1, 1, 1)
    assert preview.changed.count == 0
    assert str(preview.moved.first[0].detail) == "from Ann Lee (M1) to no manager"
    assert preview.deactivated.count == 12 and len(preview.deactivated.first) == 10
    assert preview.deactivated.more == 2
    assert preview.active_before == 14
    assert preview.needs_typed_count


def test_the_digest_changes_with_the_people_stored_not_only_with_the_file():
    existing = {"E1": _stored(1, "E1")}
    data = csv_file(person_row("E1", title="Lead"))
    hris_file = read_hris_csv(data, max_bytes=MAX_BYTES)

    def digest(stored: dict[str, StoredPerson], *, deactivate_missing: bool = False) -> str:
        plan = plan_import(hris_file, stored, deactivate_missing=deactivate_missing)
        return preview_plan(plan, stored, [], deactivate_missing=deactivate_missing).digest

    first = digest(existing)
    assert digest(existing) == first
    # Same file, but the person stored has another manager now (and that manager is new).
    assert digest({"E1": _stored(1, "E1", manager="E2"), "E2": _stored(2, "E2")}) != first
    assert digest(existing, deactivate_missing=True) != first


def test_an_admin_whose_row_is_unchanged_is_never_in_danger(db, company, login):
    client: FlaskClient = login(company["hana"])
    preview = upload(client, csv_file(*(row_of(p) for p in company.values())))
    assert "Unchanged: 51 people." in page_text(preview)
