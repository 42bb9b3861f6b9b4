"""Benchmark: `lms assignments sync` on a large organisation, on SQLite and PostgreSQL.

The sync runs after every people import and every rule change, and from cron, so it must
stay quick and lean at 100,000 people. The script imports a realistic organisation (the
same generated HRIS file as import_people.py), publishes the shipped course packs, adds
three rules (the guideline for everyone with yearly recertification, the course for three
departments, the course for one department head's reporting line) and times, each in the
same child process that already has the app loaded:

- **first**: the first sync, which creates every enrollment;
- **again**: the same sync once more, which must change nothing;
- **movers**: after 2% of people move to another department (some leave an audience,
  some join one), which withdraws and assigns;
- **recertify**: after half the guideline enrollments were completed 13 months ago, which
  starts their next cycle.

Each step is timed from the call to the end of its commit. Peak memory is the maximum
resident set size of the child process that runs the four syncs and nothing else (the
organisation is built by another child beforehand).

    .venv/bin/python benchmarks/sync_assignments.py [--rows N] [--skip-postgres] [--record]

Targets (exit 1 when missed): at 100,000 people every step takes at most 60 s (the sync is a
background job, but it runs inside a people import's request), a sync with nothing to do
is no slower than the first (it still reads every rule's audience and every latest cycle,
so it cannot be free), and peak memory stays under 400 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "benchmarks" / "README.md"
CHILD_COMMAND = "_sync-run"
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PG_DB = "postwise_bench_sync"
MAX_STEP_SECONDS = 60.0
MAX_PEAK_MB = 400.0
STEPS = ("first", "again", "movers", "recertify")
NOTHING_CHANGED = "created 0 enrollments (0 new, 0 renewed), reinstated 0, withdrawn 0"
SETUP_COMMAND = "_sync-setup"

sys.path.insert(0, str(ROOT / "benchmarks"))
from import_people import generate_hris_csv  # noqa: E402


@dataclass
class Run:
    database: str
    seconds: dict[str, float]
    changes: dict[str, str]
    enrollments: int
    peak_mb: float

    def misses(self) -> list[str]:
        found = [
            f"{self.database}: {step} took {self.seconds[step]:.1f} s (max {MAX_STEP_SECONDS:.0f})"
            for step in STEPS
            if self.seconds[step] > MAX_STEP_SECONDS
        ]
        if self.seconds["again"] > self.seconds["first"]:
            found.append(f"{self.database}: a sync with nothing to do was slower than the first")
        if self.changes["again"] != NOTHING_CHANGED:
            found.append(f"{self.database}: the second sync changed something: {self.changes}")
        if self.peak_mb >= MAX_PEAK_MB:
            found.append(f"{self.database}: peak {self.peak_mb:.0f} MB (max {MAX_PEAK_MB:.0f})")
        return found


def child_setup(url: str, csv_path: Path) -> None:
    """Build the organisation: people, the shipped courses, three rules (not timed)."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from lms import migrations
    from lms.assignments.services import RuleSpec, create_rule
    from lms.courses.author_notes import without_author_notes
    from lms.courses.packs import read_pack
    from lms.courses.services import import_pack
    from lms.db import make_engine
    from lms.people.importer import import_people
    from lms.people.models import Employee

    engine = make_engine(url)
    migrations.upgrade(engine)

    with Session(engine) as session, session.begin():
        import_people(session, csv_path.read_bytes(), max_bytes=200 * 1_048_576)
        for folder in sorted((ROOT / "courses").iterdir()):
            if folder.is_dir():
                import_pack(session, without_author_notes(read_pack(folder)), publish=True)
        head = session.scalar(select(Employee.email).where(Employee.title == "VP, Engineering"))
        rules = [
            RuleSpec("social-media-guideline", "everyone", due_days=30, recertify_months=12),
            RuleSpec(
                "social-media-essentials",
                "departments",
                ("Sales", "Marketing", "Customer Success"),
                due_days=60,
            ),
            RuleSpec("social-media-essentials", "manager", manager_email=head, due_days=90),
        ]
        for spec in rules:
            create_rule(session, spec, actor_id=None)
    engine.dispose()


def child_run(url: str) -> None:
    """Time each sync step in a process that did nothing else; print the figures as JSON."""
    from sqlalchemy import func, select, update
    from sqlalchemy.orm import Session

    from lms import clock
    from lms.assignments.services import sync_assignments
    from lms.courses.models import Course
    from lms.db import make_engine
    from lms.learning.models import Enrollment
    from lms.people.models import Employee

    engine = make_engine(url)
    seconds: dict[str, float] = {}
    changes: dict[str, str] = {}

    def step(name: str) -> None:
        started = time.perf_counter()
        with Session(engine) as session, session.begin():
            changes[name] = str(sync_assignments(session))
        seconds[name] = time.perf_counter() - started

    step("first")
    step("again")
    with Session(engine) as session, session.begin():
        ids = session.scalars(select(Employee.id).order_by(Employee.id)).all()
        movers = ids[::50]
        departments = ["Sales", "Engineering", "Legal", "Marketing"]
        for n, department in enumerate(departments):
            session.execute(
                update(Employee)
                .where(Employee.id.in_(movers[n :: len(departments)]))
                .values(department=department)
            )
    step("movers")
    with Session(engine) as session, session.begin():
        guideline = session.scalar(select(Course.id).where(Course.slug == "social-media-guideline"))
        long_ago = clock.now() - timedelta(days=400)
        session.execute(
            update(Enrollment)
            .where(Enrollment.course_id == guideline, Enrollment.employee_id % 2 == 0)
            .values(started_at=long_ago, completed_at=long_ago, score=100)
        )
    step("recertify")
    with Session(engine) as session:
        enrollments = session.scalar(select(func.count()).select_from(Enrollment))
    engine.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "changes": changes, "enrollments": enrollments,
                      "peak_mb": peak_mb}))  # fmt: skip


def measure(database: str, url: str, csv_path: Path) -> Run:
    """The setup, then the timed syncs in a child of their own, so the peak memory is theirs."""
    for command in ([SETUP_COMMAND, url, str(csv_path)], [CHILD_COMMAND, url]):
        child = subprocess.run(
            [sys.executable, __file__, *command],
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )
        if child.returncode != 0:
            sys.exit(f"{database} {command[0]} failed:\n{child.stderr}")
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    return Run(database, figures["seconds"], figures["changes"], figures["enrollments"],
               figures["peak_mb"])  # fmt: skip


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c", sql],
        check=True,
    )


def table(runs: list[Run], rows: int) -> str:
    lines = [
        f"| {rows:,} people | first s | again s | movers s | recertify s | enrollments "
        "| peak MB (< 400) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        cells = " | ".join(f"{run.seconds[step]:.2f}" for step in STEPS)
        lines.append(f"| {run.database} | {cells} | {run.enrollments:,} | {run.peak_mb:.0f} |")
    lines.append("")
    for run in runs:
        for step in STEPS:
            lines.append(f"- {run.database}, {step}: {run.changes[step]}")
    return "\n".join(lines)


def record(text: str, rows: int, postgres: bool, missed: list[str]) -> None:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    lines = [
        "",
        f"## {time.strftime('%Y-%m-%d')}: sync_assignments.py, {rows:,} people",
        "",
        f"- CPUs (nproc): {os.cpu_count()}",
        f"- Python: {platform.python_version()}",
        f"- Platform: {platform.platform()}",
        f"- Load average (1, 5, 15 min) after the run: {load}",
        f"- Databases: SQLite{', PostgreSQL' if postgres else ''}",
        "",
        text,
        "",
        "Result: " + ("all targets met" if not missed else "targets missed:"),
    ]
    lines += [f"- {line}" for line in missed]
    with README.open("a") as readme:
        readme.write("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 0 when every target is met, 1 otherwise."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == [SETUP_COMMAND]:
        child_setup(argv[1], Path(argv[2]))
        return 0
    if argv[:1] == [CHILD_COMMAND]:
        child_run(argv[1])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="people in the organisation")
    parser.add_argument("--skip-postgres", action="store_true", help="measure SQLite only")
    parser.add_argument("--record", action="store_true", help="append to benchmarks/README.md")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="postwise-bench-sync-"))
    runs: list[Run] = []
    try:
        csv_path = workdir / "people.csv"
        generate_hris_csv(csv_path, args.rows)
        runs.append(measure("SQLite", f"sqlite:///{workdir / 'sync.sqlite3'}", csv_path))
        if not args.skip_postgres:
            _psql(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            _psql(f"CREATE DATABASE {PG_DB}")
            try:
                runs.append(measure("PostgreSQL", f"{PG_SERVER}/{PG_DB}", csv_path))
            finally:
                _psql(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    text = table(runs, args.rows)
    missed = [line for run in runs for line in run.misses()]
    print(text)
    for line in missed:
        print(f"MISSED {line}")
    if args.record:
        record(text, args.rows, not args.skip_postgres, missed)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
