"""Reading an HRIS export and fitting it onto the people already known: pure, no database.

Every problem is reported at once as `row N, column X: message`, with rows numbered the way
a spreadsheet shows them (the header is row 1) and columns by spreadsheet letter and name.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lms.people.hris import HrisFile, HrisFileError, PersonRecord, parse_hris_csv, read_hris_csv
from lms.people.import_plan import ImportPlan, StoredPerson, plan_import
from tests.people.hris_files import HEADER, MAX_BYTES, csv_file, person_row


def existing_person(
    number: int, hris_id: str, *, email: str = "", manager: str | None = None, active: bool = True
) -> StoredPerson:
    return StoredPerson(
        number,
        PersonRecord(
            hris_id=hris_id,
            email=email or f"{hris_id.lower()}@example.com",
            first_name="Ann",
            last_name="Lee",
            department=None,
            title=None,
            location=None,
            manager_hris_id=manager,
            hire_date=None,
            is_active=active,
            row=0,
        ),
    )


def by_id(*people: StoredPerson) -> dict[str, StoredPerson]:
    return {p.record.hris_id: p for p in people}


def plan(
    data: bytes,
    existing: dict[str, StoredPerson] | None = None,
    *,
    deactivate_missing: bool = False,
) -> ImportPlan:
    """Read and plan a file the way the import service does (all problems together)."""
    hris_file = read_hris_csv(data, max_bytes=MAX_BYTES)
    return plan_import(hris_file, existing or {}, deactivate_missing=deactivate_missing)


def problems_in(data: bytes, existing: dict[str, StoredPerson] | None = None) -> list[str]:
    """Every problem reported for a file that must be refused, as the user reads them."""
    with pytest.raises(HrisFileError) as refused:
        plan(data, existing)
    return [str(problem) for problem in refused.value.problems]


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail, rather than hang, if the block runs longer than `seconds`."""

    def stop(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ------------------------------------------------------------------ every rule, with its place

ANN_IN_POSTWISE = by_id(existing_person(1, "E9", email="ann@example.com"))
CHAIN_IN_POSTWISE = by_id(existing_person(1, "E8", manager="E9"), existing_person(2, "E9"))

RULES = [
    pytest.param(
        csv_file(person_row("E1"), ",bo@example.com,Bo,Ek,,,,,,"),
        None,
        ["row 3, column A (employee_id): is empty; every person needs one"],
        id="employee_id is required",
    ),
    pytest.param(
        csv_file(person_row("E1"), "E2,,Bo,Ek,,,,,,"),
        None,
        ["row 3, column B (email): is empty; every person needs one"],
        id="email is required",
    ),
    pytest.param(
        csv_file(person_row("E1"), "E2,bo@example.com,,Ek,,,,,,"),
        None,
        ["row 3, column C (first_name): is empty; every person needs one"],
        id="first_name is required",
    ),
    pytest.param(
        csv_file(person_row("E1"), "E2,bo@example.com,Bo,   ,,,,,,"),
        None,
        ["row 3, column D (last_name): is empty; every person needs one"],
        id="a blank last_name counts as missing",
    ),
    pytest.param(
        csv_file(
            "ann@example.com,E1,Ann,Lee",
            "bo@example.com,,Bo,Ek",
            header="email,employee_id,first_name,last_name",
        ),
        None,
        ["row 3, column B (employee_id): is empty"],
        id="columns are named by their place in this file",
    ),
    pytest.param(
        csv_file(person_row("E1"), person_row("E2"), person_row("E1", email="other@example.com")),
        None,
        ["row 4, column A (employee_id): 'E1' is already used in row 2"],
        id="employee_id twice in the file",
    ),
    pytest.param(
        csv_file(
            person_row("E1", email="ann@example.com"), person_row("E2", email="ANN@Example.com")
        ),
        None,
        ["row 3, column B (email): 'ann@example.com' is already used in row 2"],
        id="email twice in the file, in another case",
    ),
    pytest.param(
        csv_file(person_row("E1", email="Ann@Example.COM")),
        ANN_IN_POSTWISE,
        ["row 2, column B (email): 'ann@example.com' already belongs to employee E9 in Postwise"],
        id="email of another person in Postwise",
    ),
    pytest.param(
        csv_file(person_row("E1", email="ann.example.com")),
        None,
        ["row 2, column B (email): 'ann.example.com' is not a valid email address"],
        id="email without an @",
    ),
    pytest.param(
        csv_file(person_row("E1", email="ann lee@example.com")),
        None,
        ["row 2, column B (email): 'ann lee@example.com' is not a valid email address"],
        id="email with a space",
    ),
    pytest.param(
        csv_file(person_row("E1", email="ann@example")),
        None,
        ["row 2, column B (email): 'ann@example' is not a valid email address"],
        id="email without a domain",
    ),
    pytest.param(
        csv_file(person_row("E1"), person_row("E2", manager="E404")),
        None,
        [
            "row 3, column H (manager_id): no employee has the id 'E404', "
            "in this file or in Postwise"
        ],
        id="manager in neither the file nor Postwise",
    ),
    pytest.param(
        csv_file(person_row("E1", manager="E2"), person_row("E2", manager="E1")),
        None,
        ["row 2, column H (manager_id): reporting cycle: E1 → E2 → E1"],
        id="two people managing each other",
    ),
    pytest.param(
        csv_file(
            person_row("E1", manager="E3"),
            person_row("E2", manager="E1"),
            person_row("E3", manager="E2"),
        ),
        None,
        ["row 2, column H (manager_id): reporting cycle: E1 → E3 → E2 → E1"],
        id="a longer reporting cycle",
    ),
    pytest.param(
        csv_file(person_row("E1", manager="E1")),
        None,
        ["row 2, column H (manager_id): reporting cycle: E1 → E1"],
        id="managing oneself",
    ),
    pytest.param(
        csv_file(person_row("E9", manager="E8")),
        CHAIN_IN_POSTWISE,
        ["row 2, column H (manager_id): reporting cycle: E9 → E8 → E9"],
        id="a cycle through a person in Postwise",
    ),
    pytest.param(
        csv_file(person_row("E1", hire_date="2024-02-30")),
        None,
        ["row 2, column I (hire_date): '2024-02-30' is not a date; write it as YYYY-MM-DD"],
        id="a day that does not exist",
    ),
    pytest.param(
        csv_file(person_row("E1", hire_date="01/03/2024")),
        None,
        ["row 2, column I (hire_date): '01/03/2024' is not a date; write it as YYYY-MM-DD"],
        id="a date written the local way",
    ),
    pytest.param(
        csv_file(person_row("E1", hire_date="2024-3-1")),
        None,
        ["row 2, column I (hire_date): '2024-3-1' is not a date"],
        id="a date without leading zeros",
    ),
    pytest.param(
        csv_file(person_row("E1", hire_date="20240301")),
        None,
        ["row 2, column I (hire_date): '20240301' is not a date"],
        id="a date without dashes",
    ),
    pytest.param(
        csv_file(person_row("E1", status="left")),
        None,
        ["row 2, column J (status): 'left' is not a status; use active or inactive"],
        id="an unknown status",
    ),
    pytest.param(
        csv_file(person_row("E1", first_name="A" * 201)),
        None,
        ["row 2, column C (first_name): is 201 characters long; the limit is 200"],
        id="a name longer than the database holds",
    ),
    pytest.param(
        csv_file(person_row("E" * 65)),
        None,
        ["row 2, column A (employee_id): is 65 characters long; the limit is 64"],
        id="an employee_id longer than the database holds",
    ),
]


@pytest.mark.parametrize(("data", "existing", "expected"), RULES)
def test_each_rule_reports_its_row_and_column(data, existing, expected):
    problems = problems_in(data, existing)
    for fragment in expected:
        assert any(fragment in problem for problem in problems), (fragment, problems)
    assert len(problems) == len(expected), problems


MALFORMED_FILES = [
    pytest.param(
        csv_file(person_row("E1"), person_row("E2", first_name="Jürgen"))
        .decode()
        .encode("latin-1"),
        [
            "row 3: the file is not UTF-8 text (byte 0xFC cannot be read); "
            "save it as 'CSV UTF-8' and import it again"
        ],
        id="Latin-1 instead of UTF-8",
    ),
    pytest.param(
        csv_file(person_row("E1")).decode().encode("utf-16"),
        ["row 1: the file is not UTF-8 text"],
        id="UTF-16 (Excel's 'Unicode text')",
    ),
    pytest.param(
        (person_row("E1") + "\n" + person_row("E2") + "\n").encode(),
        [
            "row 1: the header row lacks the columns employee_id, email, first_name, last_name; "
            "the first row must name the columns"
        ],
        id="no header row",
    ),
    pytest.param(
        csv_file("E1,Ann,Lee", header="employee_id,first_name,last_name"),
        ["row 1: the header row lacks the column email;"],
        id="a required column is missing",
    ),
    pytest.param(
        csv_file(
            "E1,a@example.com,Ann,Lee,b@example.com",
            header="employee_id,email,first_name,last_name,EMAIL",
        ),
        ["row 1: the column email appears twice"],
        id="a column appears twice",
    ),
    pytest.param(
        csv_file(person_row("E1"), person_row("E2") + ",extra"),
        ["row 3: has 11 values but the header names 10 columns"],
        id="a row with too many fields",
    ),
    pytest.param(
        csv_file(person_row("E1"), "E2,bo@example.com,Bo"),
        ["row 3: has 3 values but the header names 10 columns"],
        id="a row with too few fields",
    ),
    pytest.param(
        csv_file(person_row("E1"), 'E2,"bo@example.com,Bo,Ek,,,,,,', person_row("E3")),
        ["row 3: has 2 values but the header names 10 columns"],
        id="a quote that is never closed",
    ),
    pytest.param(b"", ["the file is empty"], id="an empty file"),
    pytest.param(b"\r\n\n  \n", ["the file is empty"], id="only blank lines"),
    pytest.param(csv_file(), ["the file has a header but no people"], id="only a header"),
]


@pytest.mark.parametrize(("data", "expected"), MALFORMED_FILES)
def test_a_malformed_file_is_refused_with_a_clear_message(data, expected):
    problems = problems_in(data)
    for fragment in expected:
        assert any(fragment in problem for problem in problems), (fragment, problems)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    data = csv_file(person_row("E1"))
    assert parse_hris_csv(data, max_bytes=len(data)).records  # exactly at the limit: fine
    with pytest.raises(HrisFileError) as refused:
        parse_hris_csv(data, max_bytes=len(data) - 1)
    assert "the largest file Postwise imports is" in str(refused.value)


def test_a_50_mb_file_is_refused_with_its_size_and_the_limit():
    data = csv_file() + person_row("E1").encode() * (50 * 1_048_576 // len(person_row("E1")) + 1)
    with pytest.raises(HrisFileError) as refused:
        parse_hris_csv(data, max_bytes=MAX_BYTES)
    assert str(refused.value) == "the file is 50.0 MB; the largest file Postwise imports is 20 MB"


# ------------------------------------------------------------------ every problem at once


def test_every_problem_in_the_file_is_reported_not_just_the_first():
    data = csv_file(
        person_row("E1"),
        "E2,,Bo,Ek,,,,,2024-13-01,",  # two problems in one row
        person_row("E3", email="not-an-address"),
        person_row("E4", status="retired"),
        person_row("E1", email="again@example.com"),
        person_row("E5"),  # fine
        person_row("E6", last_name=""),
    )
    assert problems_in(data) == [
        "row 3, column B (email): is empty; every person needs one",
        "row 3, column I (hire_date): '2024-13-01' is not a date; write it as YYYY-MM-DD",
        "row 4, column B (email): 'not-an-address' is not a valid email address: "
        "An email address must have an @-sign.",
        "row 5, column J (status): 'retired' is not a status; use active or inactive",
        "row 6, column A (employee_id): 'E1' is already used in row 2",
        "row 8, column D (last_name): is empty; every person needs one",
    ]


def test_a_row_with_several_problems_reports_each_of_them():
    data = csv_file(
        person_row("E1", email="nope", title="T" * 201, location="L" * 201, status="gone")
    )
    assert sorted(p.split(":")[0] for p in problems_in(data)) == [
        "row 2, column B (email)",
        "row 2, column F (title)",
        "row 2, column G (location)",
        "row 2, column J (status)",
    ]


def test_every_problem_against_postwise_is_reported_in_row_order():
    existing = by_id(existing_person(1, "E9", email="taken@example.com"))
    data = csv_file(
        person_row("E1", manager="E404"),
        person_row("E2", email="taken@example.com"),
        person_row("E3", manager="E405"),
    )
    problems = problems_in(data, existing)
    assert [p.split(":")[0] for p in problems] == [
        "row 2, column H (manager_id)",
        "row 3, column B (email)",
        "row 4, column H (manager_id)",
    ]


def test_a_reporting_cycle_is_reported_alongside_other_problems_with_postwise():
    """Finding an unknown manager or a taken email must not hide a cycle elsewhere in the file."""
    existing = by_id(existing_person(1, "E9", email="taken@example.com"))
    data = csv_file(
        person_row("E1", manager="E2"),
        person_row("E2", manager="E1"),
        person_row("E3", email="taken@example.com"),
        person_row("E4", manager="E404"),
    )
    problems = problems_in(data, existing)
    assert any(p.startswith("row 2, column H (manager_id): reporting cycle") for p in problems)
    assert any(p.startswith("row 4, column B (email)") for p in problems)
    assert any(p.startswith("row 5, column H (manager_id): no employee") for p in problems)


def test_a_hopeless_file_stops_listing_after_500_problems():
    data = csv_file(*[person_row(f"E{n}", email=f"nope{n}") for n in range(600)])
    problems = problems_in(data)
    assert len(problems) == 501
    assert problems[-1] == "too many problems; stopped checking here"


# ------------------------------------------------------------------ what a good file may look like

BASELINE = csv_file(
    person_row(
        "E1",
        email="ann@example.com",
        department="Sales",
        title="Head of Sales",
        location="Oslo",
        hire_date="2020-01-15",
        status="active",
    ),
    person_row(
        "E2",
        email="bo@example.com",
        first_name="Bo",
        last_name="Ek",
        department="Sales",
        title="Rep",
        location="Oslo",
        manager="E1",
        hire_date="2021-06-01",
        status="inactive",
    ),
)
EXPECTED = [
    PersonRecord(
        hris_id="E1",
        email="ann@example.com",
        first_name="Ann",
        last_name="Lee",
        department="Sales",
        title="Head of Sales",
        location="Oslo",
        manager_hris_id=None,
        hire_date=date(2020, 1, 15),
        is_active=True,
        row=2,
    ),
    PersonRecord(
        hris_id="E2",
        email="bo@example.com",
        first_name="Bo",
        last_name="Ek",
        department="Sales",
        title="Rep",
        location="Oslo",
        manager_hris_id="E1",
        hire_date=date(2021, 6, 1),
        is_active=False,
        row=3,
    ),
]
_TEXT = BASELINE.decode()

VARIANTS = [
    pytest.param(BASELINE, id="plain"),
    pytest.param(b"\xef\xbb\xbf" + BASELINE, id="UTF-8 with a byte order mark"),
    pytest.param(_TEXT.replace("\n", "\r\n").encode(), id="CRLF line endings"),
    pytest.param(_TEXT.replace(",", ";").encode(), id="semicolons"),
    pytest.param(
        b"\xef\xbb\xbf" + _TEXT.replace(",", ";").replace("\n", "\r\n").encode(),
        id="Excel in Europe: BOM, semicolons and CRLF",
    ),
    pytest.param(_TEXT.rstrip("\n").encode(), id="no newline at the end"),
    pytest.param(_TEXT.replace("\n", "\n\n").encode(), id="blank lines between rows"),
    pytest.param(_TEXT.replace("\n", "\n   \n", 1).encode(), id="a line of spaces"),
    pytest.param(
        _TEXT.replace("employee_id,email,first_name", " Employee_ID ,EMAIL,First_Name").encode(),
        id="header in any case, with spaces",
    ),
    pytest.param(
        (
            b"status,hire_date,manager_id,location,title,department,"
            b"last_name,first_name,email,employee_id\n"
            b"active,2020-01-15,,Oslo,Head of Sales,Sales,Lee,Ann,ann@example.com,E1\n"
            b"inactive,2021-06-01,E1,Oslo,Rep,Sales,Ek,Bo,bo@example.com,E2\n"
        ),
        id="columns in another order",
    ),
    pytest.param(
        (
            b"Cost centre,employee_id,email,first_name,last_name,department,title,location,"
            b"manager_id,hire_date,status,Notes\n"
            b"CC-1,E1,ann@example.com,Ann,Lee,Sales,Head of Sales,Oslo,,2020-01-15,active,hi\n"
            b"CC-2,E2,bo@example.com,Bo,Ek,Sales,Rep,Oslo,E1,2021-06-01,inactive,\n"
        ),
        id="unknown columns are ignored",
    ),
    pytest.param(
        "\n".join(
            ",".join(f'"{value}"' for value in line.split(",")) for line in _TEXT.splitlines()
        ).encode(),
        id="every field quoted",
    ),
    pytest.param(
        _TEXT.replace("active", "ACTIVE").replace("ann@example.com", "Ann@Example.COM").encode(),
        id="status and email in any case",
    ),
    pytest.param(
        _TEXT.replace(",", " , ").encode(),
        id="spaces around values",
    ),
]


@pytest.mark.parametrize("data", VARIANTS)
def test_accepted_file_variants_read_the_same_people(data):
    assert parse_hris_csv(data, max_bytes=MAX_BYTES).records == EXPECTED


def test_rows_are_numbered_as_a_spreadsheet_shows_them():
    data = csv_file(person_row("E1"), "", person_row("E2"), person_row("E3", email="nope"))
    assert problems_in(data)[0].startswith("row 5, column B (email)")  # row 3 is blank


def test_quoted_fields_may_hold_commas_and_newlines():
    quoted = person_row("E1", title='"Head of Sales, Nordics"', location='"Oslo\nNorway"')
    (record,) = parse_hris_csv(csv_file(quoted), max_bytes=MAX_BYTES).records
    assert record.title == "Head of Sales, Nordics"
    assert record.location == "Oslo\nNorway"
    # The quoted newline is inside row 2: the next person is row 3, as in a spreadsheet.
    problems = problems_in(csv_file(quoted, person_row("E2", email="not-an-address")))
    assert [p.split(":")[0] for p in problems] == ["row 3, column B (email)"]


def test_a_doubled_quote_inside_a_quoted_field_is_one_quote():
    """Excel and RFC 4180 write a quote inside a quoted value as two quotes."""
    data = csv_file(person_row("E1", last_name='"O""Brien"'))
    assert parse_hris_csv(data, max_bytes=MAX_BYTES).records[0].last_name == 'O"Brien'


def test_a_quoted_value_with_doubled_quotes_and_a_comma_stays_one_value():
    data = csv_file(person_row("E1", title='"Head of ""Brand"", EMEA"'))
    assert parse_hris_csv(data, max_bytes=MAX_BYTES).records[0].title == 'Head of "Brand", EMEA'


def test_semicolon_files_may_have_commas_in_values_without_quotes():
    data = csv_file(
        "E1;ann@example.com;Ann;Lee;Sales, Nordics",
        header="employee_id;email;first_name;last_name;department",
    )
    assert parse_hris_csv(data, max_bytes=MAX_BYTES).records[0].department == "Sales, Nordics"


def test_only_the_required_columns_are_needed():
    data = csv_file("E1,ann@example.com,Ann,Lee", header="employee_id,email,first_name,last_name")
    (record,) = parse_hris_csv(data, max_bytes=MAX_BYTES).records
    assert record == PersonRecord(
        hris_id="E1",
        email="ann@example.com",
        first_name="Ann",
        last_name="Lee",
        department=None,
        title=None,
        location=None,
        manager_hris_id=None,
        hire_date=None,
        is_active=True,
        row=2,
    )


@pytest.mark.parametrize(("status", "active"), [("", True), ("  ", True), ("Inactive", False)])
def test_a_blank_status_means_active(status, active):
    (record,) = parse_hris_csv(
        csv_file(person_row("E1", status=status)), max_bytes=MAX_BYTES
    ).records
    assert record.is_active is active


def test_an_email_too_long_for_the_rfc_is_refused_even_after_its_domain_was_seen():
    """email-validator refuses addresses over 254 characters; the per-domain shortcut must too."""
    domain = "a" * 63 + "." + "b" * 63 + "." + "c" * 60 + ".com"
    long_address = "y" * 64 + "@" + domain  # 258 characters
    refused_alone = problems_in(csv_file(person_row("E2", email=long_address)))
    assert refused_alone[0].startswith("row 2, column B (email):")
    short_first = csv_file(
        person_row("E1", email="x@" + domain), person_row("E2", email=long_address)
    )
    with pytest.raises(HrisFileError, match=r"row 3, column B \(email\): .* too long"):
        parse_hris_csv(short_first, max_bytes=MAX_BYTES)


# ------------------------------------------------------------------ the plan


def test_plan_counts_new_changed_unchanged_and_deactivated_people():
    existing = by_id(
        existing_person(1, "E1", email="e1@example.com"),
        existing_person(2, "E2", email="e2@example.com"),
        existing_person(3, "E3", email="e3@example.com"),
        existing_person(4, "E4", email="e4@example.com"),
        existing_person(5, "E5", email="e5@example.com", active=False),
    )
    data = csv_file(
        person_row("E1"),  # unchanged
        person_row("E2", title="Lead"),  # updated
        person_row("E3", status="inactive"),  # deactivated by status
        person_row("E6"),  # new
    )
    result = plan(data, existing, deactivate_missing=True)
    assert result.counts == {"created": 1, "updated": 1, "deactivated": 2, "unchanged": 1}
    assert result.deactivations == [4]  # E4 is missing; E5 was already inactive


def test_plan_leaves_missing_people_alone_unless_asked():
    existing = by_id(existing_person(1, "E1"), existing_person(2, "E2"))
    result = plan(csv_file(person_row("E1")), existing)
    assert result.counts == {"created": 0, "updated": 0, "deactivated": 0, "unchanged": 1}


def test_an_email_changing_case_only_is_no_change():
    existing = by_id(existing_person(1, "E1", email="ann@example.com"))
    result = plan(csv_file(person_row("E1", email="ANN@Example.com")), existing)
    assert result.counts["unchanged"] == 1


def test_two_people_may_swap_email_addresses():
    existing = by_id(
        existing_person(1, "E1", email="ann@example.com"),
        existing_person(2, "E2", email="bo@example.com"),
    )
    data = csv_file(
        person_row("E1", email="bo@example.com"), person_row("E2", email="ann@example.com")
    )
    assert plan(data, existing).counts["updated"] == 2


def test_an_address_freed_by_one_person_may_go_to_a_new_person():
    existing = by_id(existing_person(1, "E1", email="ann@example.com"))
    data = csv_file(
        person_row("E1", email="ann.lee@example.com"), person_row("E2", email="ann@example.com")
    )
    assert plan(data, existing).counts == {
        "created": 1,
        "updated": 1,
        "deactivated": 0,
        "unchanged": 0,
    }


def test_managers_may_be_in_postwise_or_anywhere_in_the_file():
    existing = by_id(existing_person(1, "BOSS"))
    data = csv_file(
        person_row("E1", manager="E2"),
        person_row("E2", manager="BOSS"),
        person_row("E3", manager="E1"),
    )
    assert plan(data, existing).counts["created"] == 3


# ------------------------------------------------------------------ properties


@settings(max_examples=300, database=None, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_are_read_or_refused_with_hris_file_error(data):
    try:
        parse_hris_csv(data, max_bytes=MAX_BYTES)
    except HrisFileError as error:
        assert error.problems


CSV_ISH = st.text(
    alphabet=st.sampled_from(list(",;\"'\r\n \t@.-_aAeE019xé\ufeff\x00\u2028")), max_size=200
)


@settings(max_examples=200, database=None, deadline=None)
@given(CSV_ISH, st.booleans())
def test_any_csv_ish_text_is_read_or_refused_with_hris_file_error(body, with_header):
    text = (HEADER + "\n" + body) if with_header else body
    try:
        result = parse_hris_csv(text.encode(), max_bytes=MAX_BYTES)
    except HrisFileError as error:
        assert error.problems
    else:
        assert all(r.hris_id and r.email and r.first_name and r.last_name for r in result.records)


@st.composite
def org_charts(draw: st.DrawFn) -> tuple[dict[str, str | None], dict[str, str | None]]:
    """People in a file and in Postwise, each with a random manager (cycles welcome)."""
    pool = [f"E{n}" for n in range(draw(st.integers(1, 14)))]
    in_file = draw(st.lists(st.sampled_from(pool), min_size=1, unique=True))
    in_postwise = draw(st.lists(st.sampled_from(pool), unique=True))
    file_managers = st.one_of(st.none(), st.sampled_from([*pool, "NOBODY"]))
    postwise_managers = st.one_of(st.none(), st.sampled_from(in_postwise or [None]))
    return (
        {hris_id: draw(file_managers) for hris_id in in_file},
        {hris_id: draw(postwise_managers) for hris_id in in_postwise},
    )


def _reaches_a_cycle(start: str, manager_of: dict[str, str | None]) -> bool:
    seen: set[str] = set()
    current: str | None = start
    while current is not None:
        if current in seen:
            return True
        seen.add(current)
        current = manager_of.get(current)
    return False


@settings(max_examples=200, database=None, deadline=None)
@given(org_charts())
def test_any_org_chart_is_planned_or_refused_quickly(chart):
    file_managers, postwise_managers = chart
    data = csv_file(*[person_row(h, manager=m or "") for h, m in file_managers.items()])
    existing = {
        hris_id: existing_person(n, hris_id, manager=manager)
        for n, (hris_id, manager) in enumerate(postwise_managers.items(), start=1)
    }
    known = file_managers.keys() | existing.keys()
    unknown = any(m is not None and m not in known for m in file_managers.values())
    manager_of = postwise_managers | file_managers
    cycle = any(_reaches_a_cycle(h, manager_of) for h in file_managers)

    with time_limit(2):
        try:
            result = plan(data, existing)
        except HrisFileError as error:
            message = str(error)
            assert unknown or cycle, message
            if unknown:
                assert "no employee has the id" in message
            else:
                assert "reporting cycle" in message
        else:
            assert not unknown and not cycle
            assert sum(result.counts.values()) == len(file_managers)


def _records(managers: dict[str, str | None]) -> HrisFile:
    records = [
        PersonRecord(
            hris_id=hris_id,
            email=f"{hris_id.lower()}@example.com",
            first_name="Ann",
            last_name="Lee",
            department=None,
            title=None,
            location=None,
            manager_hris_id=manager,
            hire_date=None,
            is_active=True,
            row=n,
        )
        for n, (hris_id, manager) in enumerate(managers.items(), start=2)
    ]
    columns = {"employee_id": 0, "email": 1, "manager_id": 2}
    return HrisFile(records, columns, problems=[], hris_ids=set(managers))


def test_a_very_deep_org_chart_and_a_very_long_cycle_are_checked_without_recursion():
    size = 20_000
    chain = {f"E{n}": (f"E{n + 1}" if n + 1 < size else None) for n in range(size)}
    loop = {f"E{n}": f"E{(n + 1) % size}" for n in range(size)}
    with time_limit(10):  # a hang guard, not a speed test (benchmarks/ measures speed)
        assert plan_import(_records(chain), {}, deactivate_missing=False).counts["created"] == size
        with pytest.raises(HrisFileError) as refused:
            plan_import(_records(loop), {}, deactivate_missing=False)
    assert len(refused.value.problems) == 1
    assert "reporting cycle: E0 → E1 → E2" in str(refused.value)
