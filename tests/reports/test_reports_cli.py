"""`lms reports completions`: the same report as the web downloads, as a file."""

from __future__ import annotations

import csv

import openpyxl
import pytest

from lms.reports.completions import COLUMNS


@pytest.fixture
def enrolled(org, shipped_courses, enrol):
    for person in org.values():
        for version in shipped_courses.values():
            enrol(person, version)
    return org


def test_writes_a_managers_line_as_csv(runner, enrolled, tmp_path):
    out = tmp_path / "team.csv"
    result = runner.invoke(
        args=[
            "reports",
            "completions",
            "--scope",
            f"manager:{enrolled['lead'].email.upper()}",
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Wrote 4 rows to {out}."
    with out.open(encoding="utf-8", newline="") as file:
        header, *rows = list(csv.reader(file))
    assert tuple(header) == COLUMNS
    assert {row[0] for row in rows} == {enrolled["staff"].hris_id, enrolled["staff2"].hris_id}


def test_writes_everyone_as_xlsx_with_filters(runner, enrolled, tmp_path):
    out = tmp_path / "all.xlsx"
    result = runner.invoke(
        args=[
            "reports",
            "completions",
            "--format",
            "xlsx",
            "--out",
            str(out),
            "--course",
            "social-media-guideline",
            "--department",
            "Sales",
        ]
    )
    assert result.exit_code == 0, result.output
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert [(row[0], row[5]) for row in rows[1:]] == [
        (enrolled["outsider"].hris_id, "Our social media guideline")
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scope", "manager:nobody@example.com"], "No one in Postwise has the email address"),
        (["--scope", "team"], "--scope 'team' is not 'all' or 'manager:EMAIL'."),
        (["--course", "nope"], "--course 'nope' is not a published course; try one of:"),
        (["--department", "Nowhere"], "--department 'Nowhere' has no one in this scope"),
        (["--status", "late"], "'late' is not one of"),
    ],
)
def test_bad_options_say_what_is_wrong_and_write_nothing(runner, enrolled, tmp_path, args, message):
    folder = tmp_path / "reports"
    folder.mkdir()
    result = runner.invoke(
        args=["reports", "completions", "--out", str(folder / "report.csv"), *args]
    )
    assert result.exit_code == 2
    assert message in result.output
    assert list(folder.iterdir()) == []
