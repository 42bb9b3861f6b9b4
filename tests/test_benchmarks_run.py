"""The benchmark scripts still run against today's code, on a tiny organisation.

They are not timed here (figures come from real runs, benchmarks/README.md); this only
catches a script that a change broke, as the author-notes rule once broke three of them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str, env: dict[str, str] | None = None) -> str:
    """The script's output; it must finish, though a timing target may be missed.

    A benchmark exits 1 with MISSED lines when its figures miss a target. Two hundred
    rows take hundredths of a second, so on a busy machine a ratio can miss by noise
    alone; what this test catches is a script that crashes (exit 1 with no MISSED line).
    """
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env
    )
    missed_a_target = done.returncode == 1 and "\nMISSED " in f"\n{done.stdout}"
    assert done.returncode == 0 or missed_a_target, done.stderr[-3000:]
    return done.stdout


def test_make_org_builds_a_small_organisation(tmp_path):
    env = {**os.environ, "LMS_DATABASE_URL": f"sqlite:///{tmp_path}/org.sqlite3"}
    out = _run("benchmarks/make_org.py", "--employees", "200", env=env)
    assert "hr@bench.example.com: HR admin" in out


@pytest.mark.parametrize("script", ["sync_assignments.py", "import_people.py"])
def test_people_benchmarks_run_on_sqlite(script):
    out = _run(f"benchmarks/{script}", "--rows", "200", "--skip-postgres")
    assert "| SQLite |" in out


def test_api_benchmark_pages_through_every_row_over_http():
    out = _run("benchmarks/api_speed.py", "--rows", "300", "--page-size", "50", "--skip-postgres")
    row = next(line for line in out.splitlines() if line.startswith("| SQLite |"))
    rows, pages, statements = (row.split(" | ")[i] for i in (1, 4, 5))
    # make_org.py's smallest organisation (100 people) holds about 500 report rows.
    assert int(rows.replace(",", "")) > 300
    assert int(pages) == -(-int(rows.replace(",", "")) // 50)
    assert statements.endswith("on every page")
