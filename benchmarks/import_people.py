"""Benchmark: importing people from an HRIS file, against the database's own CSV import.

The target (from the issue): importing 100,000 new people, validation included, takes at most
10 times as long as `sqlite3 .import` / `psql \\copy` of the same file measured in the same run,
on SQLite and on PostgreSQL; re-importing the unchanged file is no slower than the first
import; peak memory of the importing process stays under 200 MB.

Each app import runs in a child process (this script with a hidden sub-command) so its peak
memory is its own. The clock runs from reading the file to the end of the commit: the
interpreter, Flask and SQLAlchemy are already loaded in a real server, so they are left out.

    .venv/bin/python benchmarks/import_people.py [--rows N] [--skip-postgres] [--record]

Exits 1 when a target is missed, so it can serve as a check.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "benchmarks" / "README.md"
CHILD_COMMAND = "_app-import"  # hidden: one timed app import, run by the parent in a child
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PG_NATIVE_DB = "postwise_bench_native"
PG_APP_DB = "postwise_bench_app"
LOAD_AT_START = os.getloadavg()
MAX_RATIO = 10.0
MAX_PEAK_MB = 200.0
COLUMNS = (
    "employee_id",
    "email",
    "first_name",
    "last_name",
    "department",
    "title",
    "location",
    "manager_id",
    "hire_date",
    "status",
)
STAGING_DDL = f"CREATE TABLE staging ({', '.join(f'{c} TEXT' for c in COLUMNS)})"
# The native import's fair baseline: a table keyed and indexed like `employees` (unique
# employee id and email, indexes on department and manager), as the database would keep it.
KEYED_INDEXES = [
    "CREATE UNIQUE INDEX staging_employee_id ON staging (employee_id)",
    "CREATE UNIQUE INDEX staging_email ON staging (email)",
    "CREATE INDEX staging_department ON staging (department)",
    "CREATE INDEX staging_manager_id ON staging (manager_id)",
]
README_INTRO = """\
# Benchmarks

Scripts that measure Postwise against a fixed target and exit non-zero when it is missed, so
each one can serve as a check as well as a record. Run them from the project root; `--record`
appends the run's figures, dated, with the machine they were measured on, to this file.

## import_people.py: the HRIS people import

    .venv/bin/python benchmarks/import_people.py --record

Generates a realistic HRIS export (default 100,000 people: a CEO, department heads and
several levels of managers, ten departments, three email domains, some non-ASCII names,
rows in employee-id order so many people come before their manager) and, on SQLite and on
PostgreSQL, measures side by side:

- **native**: the database's own CSV import of the same file into a ten-column text table
  (`sqlite3 FILE ".import --csv --skip 1 …"`, `psql -c "\\copy … (FORMAT csv, HEADER true)"`),
  with no checking at all;
- **app**: `lms.people.importer.import_people` plus the commit, into a fresh migrated
  database: parsing, every check, and the writes (timed from reading the file to the end of
  the commit, in a child process that already has the app's modules loaded);
- **ratio**: app ÷ native; the target is at most 10;
- **re-import**: importing the identical file again (everyone unchanged); the target is no
  slower than the first import;
- **peak MB**: the peak resident memory of the importing child process (interpreter and app
  modules included), the larger of the two imports; the target is under 200 MB. **baseline
  MB** is that process before the import starts (Python with the app's modules loaded).

The native import writes to a table without keys, indexes or constraints; `employees` has a
primary key, unique employee ids and emails, two more indexes and a foreign key to the
manager, which the database maintains on every row whoever writes it. The machine is shared,
so each section also gives the load average when the run started.

Options: `--rows N`, `--skip-postgres`, `--repeat N` (median of N runs), `--keep` (keep the
temporary files). PostgreSQL is reached as `postgres@127.0.0.1:5432`; the script creates and
drops the databases `postwise_bench_native` and `postwise_bench_app`.
"""


# ---------------------------------------------------------------- the HRIS file

DEPARTMENTS = (
    "Engineering",
    "Sales",
    "Customer Success",
    "Marketing",
    "Finance",
    "People",
    "Operations",
    "Legal",
    "Product",
    "Research",
)
# Department headcount weights: engineering and sales are large, legal is small.
DEPARTMENT_WEIGHTS = (30, 20, 14, 8, 5, 4, 9, 2, 5, 3)
LOCATIONS = {  # location -> email domain
    "London": "postwise-example.co.uk",
    "Manchester": "postwise-example.co.uk",
    "Berlin": "postwise-example.de",
    "München": "postwise-example.de",
    "Zürich": "postwise-example.de",
    "New York": "postwise-example.com",
    "Toronto": "postwise-example.com",
    "São Paulo": "postwise-example.com",
    "Kraków": "postwise-example.com",
    "Bengaluru": "postwise-example.com",
}
FIRST_NAMES = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
    "Sarah", "Charles", "Karen", "Priya", "Rahul", "Ananya", "Arjun", "Wei", "Mei", "Hiroshi",
    "Yuki", "Kwame", "Amara", "Fatima", "Omar", "Aisha", "Mohammed", "Sofia", "Lucas", "Emma",
    "Noah", "Olivia", "Liam", "Hannah", "Lukas", "Lena", "Jonas", "Anna", "Pierre", "Camille",
    "Giulia", "Marco", "Ines", "Mateo", "Valentina", "Olga", "Ivan", "Katarzyna", "Piotr",
    "José", "Zoë", "Chloé", "Björn", "Søren", "Łukasz", "Małgorzata", "Jürgen", "Renée",
    "Ángel", "Çağla", "François", "Mónica", "Dóra", "Siân", "Seán", "Nuño", "Ågot",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Wilson",
    "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Lee", "Walker", "Hall",
    "Young", "King", "Patel", "Sharma", "Singh", "Kumar", "Chen", "Wang", "Li", "Zhang",
    "Tanaka", "Sato", "Mensah", "Okafor", "Haddad", "Khan", "Rossi", "Bianchi", "Schmidt",
    "Schneider", "Fischer", "Weber", "Dubois", "Laurent", "Kowalski", "Nowak", "Ivanova",
    "Silva", "Santos", "O'Brien", "O'Neill", "Van der Berg", "Smith-Jones",
    "Müller", "García", "Gómez", "Pérez", "Núñez", "Özdemir", "Y\u0131lmaz", "Dvořák",
    "Łukasiewicz", "Søndergaard", "Ørsted", "Håkansson", "Nguyễn", "Trần", "Lefèvre", "Gauß",
    "Böhm",
)  # fmt: skip
# Syllables of made-up names, so the file has the thousands of distinct surnames (and the
# hundreds of first names) of a real company, not only the few dozen listed above.
SYLLABLES = (
    "ka", "ro", "mi", "la", "ten", "sor", "vik", "an", "bel", "dor", "ha", "jo", "lin", "mar",
    "ne", "os", "pa", "ri", "sa", "tu", "var", "wen", "yo", "ki", "go", "em", "dé", "bø",
)  # fmt: skip
ROLES = {
    "Engineering": ("Software Engineer", "Senior Software Engineer", "QA Engineer", "SRE"),
    "Sales": ("Account Executive", "Sales Development Rep", "Sales Engineer"),
    "Customer Success": ("Support Specialist", "Customer Success Manager"),
    "Marketing": ("Content Strategist", "Social Media Specialist", "Designer"),
    "Finance": ("Accountant", "Financial Analyst", "Payroll Specialist"),
    "People": ("HR Business Partner", "Recruiter", "People Operations Specialist"),
    "Operations": ("Operations Analyst", "Facilities Coordinator", "Office Manager"),
    "Legal": ("Counsel", "Paralegal", "Compliance Analyst"),
    "Product": ("Product Manager", "UX Researcher", "Product Designer"),
    "Research": ("Research Scientist", "Data Scientist", "Research Engineer"),
}
# Letters that Unicode does not decompose into an ASCII letter plus accents.
_ASCII_FOLD = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss", "\u0131": "i"})


def _email_part(name: str) -> str:
    """How HR spells a name in an address: ASCII, lower case, no spaces (José → jose)."""
    folded = unicodedata.normalize("NFKD", name.translate(_ASCII_FOLD))
    ascii_name = folded.encode("ascii", "ignore").decode()
    return ascii_name.lower().replace(" ", "")


def generate_hris_csv(path: Path, rows: int, seed: int = 2026) -> None:
    """Write an HRIS export of `rows` people: one company tree, in employee-id order."""
    rng = random.Random(seed)  # noqa: S311 - reproducible sample data, not secrets
    # Employee ids are handed out at random, so the file (sorted by id) lists many people
    # before their manager, as real exports do.
    ids = [f"E{n:07d}" for n in rng.sample(range(1, rows * 10), rows)]
    next_id = iter(ids)
    emails: dict[str, int] = {}
    people: list[dict[str, str]] = []
    first_hire = date(1998, 1, 5)
    span_days = (date(2026, 10, 30) - first_hire).days

    def add(department: str, title: str, location: str, manager: str, *, leaf: bool) -> str:
        first = rng.choice(FIRST_NAMES) if rng.random() < 0.8 else _made_up_name(rng, 2)
        last = rng.choice(LAST_NAMES) if rng.random() < 0.4 else _made_up_name(rng, 3)
        local = f"{_email_part(first)}.{_email_part(last)}"
        seen = emails.get(local, 0)
        emails[local] = seen + 1
        hris_id = next(next_id)
        people.append(
            {
                "employee_id": hris_id,
                "email": f"{local}{seen + 1 if seen else ''}@{LOCATIONS[location]}",
                "first_name": first,
                "last_name": last,
                "department": department,
                "title": title if rng.random() > 0.01 else "",
                "location": location,
                "manager_id": manager,
                "hire_date": (first_hire + timedelta(days=rng.randrange(span_days))).isoformat(),
                "status": "inactive" if leaf and rng.random() < 0.04 else "active",
            }
        )
        return hris_id

    ceo = add("Operations", "Chief Executive Officer", "London", "", leaf=False)
    locations = list(LOCATIONS)
    sizes = _split(rows - 1, DEPARTMENT_WEIGHTS)
    for department, size in zip(DEPARTMENTS, sizes, strict=True):
        if size == 0:
            continue
        home = rng.choice(locations)
        head = add(department, f"VP, {department}", home, ceo, leaf=False)
        level = [(head, home)]
        remaining = size - 1
        for depth, title in enumerate(("Director", "Senior Manager", "Manager", "Team Lead")):
            # Each level roughly six times the last, leaving most people as individual staff.
            count = min(remaining // 7, len(level) * rng.randint(4, 8))
            if count == 0:
                break
            next_level = []
            for _ in range(count):
                manager, place = rng.choice(level)
                place = place if rng.random() < 0.8 or depth == 0 else rng.choice(locations)
                next_level.append(
                    (add(department, f"{title}, {department}", place, manager, leaf=False), place)
                )
            remaining -= count
            level = next_level
        for _ in range(remaining):
            manager, place = rng.choice(level)
            add(department, rng.choice(ROLES[department]), place, manager, leaf=True)

    people.sort(key=lambda person: person["employee_id"])
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(people)


def _made_up_name(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables)).capitalize()


def _split(total: int, weights: tuple[int, ...]) -> list[int]:
    """`total` shared out in proportion to `weights`, summing exactly to `total`."""
    shares = [total * w // sum(weights) for w in weights]
    shares[0] += total - sum(shares)
    return shares


# ---------------------------------------------------------------- measuring


@dataclass
class AppRun:
    """One app import as measured by the child process."""

    seconds: float
    peak_mb: float
    baseline_mb: float
    summary: dict[str, int]


@dataclass
class Figures:
    """Everything measured on one database."""

    database: str
    bare_s: float  # native import into a bare text table, for context
    native_s: float  # native import into a table keyed like employees: the baseline
    app_s: float
    reimport_s: float
    peak_mb: float
    baseline_mb: float

    @property
    def ratio(self) -> float:
        return self.app_s / self.native_s

    def misses(self) -> list[str]:
        """The targets this database missed, in words."""
        missed = []
        if self.ratio > MAX_RATIO:
            missed.append(f"{self.database}: app import is {self.ratio:.1f}x native (max 10x)")
        if self.reimport_s > self.app_s:
            missed.append(
                f"{self.database}: re-import {self.reimport_s:.2f} s is slower than the "
                f"first import {self.app_s:.2f} s"
            )
        if self.peak_mb >= MAX_PEAK_MB:
            missed.append(f"{self.database}: peak memory {self.peak_mb:.0f} MB (max 200 MB)")
        return missed


def timed(command: list[str]) -> float:
    """Run a command, fail loudly if it fails, return its wall-clock seconds."""
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if result.returncode != 0 or result.stderr.strip():
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr}")
    return seconds


def app_import(url: str, csv_path: Path, expect: str, rows: int) -> AppRun:
    """Run one app import in a child process; check it did what the benchmark expects."""
    result = subprocess.run(
        [sys.executable, __file__, CHILD_COMMAND, url, str(csv_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"app import into {url} failed:\n{result.stderr}")
    run = AppRun(**json.loads(result.stdout.strip().splitlines()[-1]))
    if run.summary[expect] != rows:
        raise SystemExit(f"app import into {url}: expected {expect} {rows}, got {run.summary}")
    return run


def child_import(url: str, csv_path: Path) -> None:
    """The hidden sub-command: import the file once, print seconds, memory and summary."""
    from lms.config import DEFAULTS
    from lms.db import make_engine, make_session_factory
    from lms.people.importer import import_people

    engine = make_engine(url)
    sessions = make_session_factory(engine)
    baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with sessions() as session:
        data = csv_path.read_bytes()
        # The configured upload limit, unless --rows asks for a larger file than it allows.
        max_bytes = max(DEFAULTS["IMPORT_MAX_MB"] * 1_048_576, len(data))
        summary = import_people(session, data, max_bytes=max_bytes)
        session.commit()
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux
    engine.dispose()
    report = {
        "seconds": seconds,
        "peak_mb": peak_kb / 1024,
        "baseline_mb": baseline_kb / 1024,
        "summary": vars(summary),
    }
    print(json.dumps(report))


def migrate(url: str) -> None:
    """Bring a fresh database to the newest schema, as `lms db upgrade` does."""
    from lms import migrations
    from lms.db import make_engine

    engine = make_engine(url)
    migrations.upgrade(engine)
    engine.dispose()


def measure_sqlite(csv_path: Path, workdir: Path, rows: int) -> Figures:
    """Native `.import` and the app import, each into a fresh SQLite file."""
    app_db = workdir / "app.sqlite3"
    for stale in workdir.glob("*.sqlite3*"):
        stale.unlink()
    natives = []
    for name, indexes in (("bare", []), ("keyed", KEYED_INDEXES)):
        native_db = workdir / f"native-{name}.sqlite3"
        with sqlite3.connect(native_db) as connection:
            for ddl in [STAGING_DDL, *indexes]:
                connection.execute(ddl)
        connection.close()
        natives.append(
            timed(["sqlite3", str(native_db), f".import --csv --skip 1 {csv_path} staging"])
        )
        _check_sqlite_count(native_db, "staging", rows)
    url = f"sqlite:///{app_db}"
    migrate(url)
    first = app_import(url, csv_path, "created", rows)
    again = app_import(url, csv_path, "unchanged", rows)
    _check_sqlite_count(app_db, "employees", rows)
    return _figures("SQLite", natives, first, again)


def _check_sqlite_count(path: Path, table: str, rows: int) -> None:
    with sqlite3.connect(path) as connection:
        (count,) = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
    connection.close()
    if count != rows:
        raise SystemExit(f"{path}: {table} has {count} rows, expected {rows}")


def measure_postgres(csv_path: Path, rows: int) -> Figures:
    """Native `\\copy` and the app import, each into a freshly created PostgreSQL database."""
    for name in (PG_NATIVE_DB, PG_APP_DB):
        _psql("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _psql("postgres", f'CREATE DATABASE "{name}"')
    try:
        natives = []
        for indexes in ([], KEYED_INDEXES):
            _psql(PG_NATIVE_DB, "DROP TABLE IF EXISTS staging")
            _psql(PG_NATIVE_DB, STAGING_DDL.replace("(", "(id serial PRIMARY KEY, ", 1))
            for ddl in indexes:
                _psql(PG_NATIVE_DB, ddl)
            copy = (
                f"\\copy staging ({', '.join(COLUMNS)}) FROM '{csv_path}' "
                "WITH (FORMAT csv, HEADER true)"
            )
            natives.append(timed(_psql_command(PG_NATIVE_DB, copy)))
            _check_pg_count(PG_NATIVE_DB, "staging", rows)
        url = f"{PG_SERVER}/{PG_APP_DB}"
        migrate(url)
        first = app_import(url, csv_path, "created", rows)
        again = app_import(url, csv_path, "unchanged", rows)
        _check_pg_count(PG_APP_DB, "employees", rows)
    finally:
        for name in (PG_NATIVE_DB, PG_APP_DB):
            _psql("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return _figures("PostgreSQL", natives, first, again)


def _psql_command(database: str, sql: str) -> list[str]:
    return ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-U", "postgres",
            "-d", database, "-c", sql]  # fmt: skip


def _psql(database: str, sql: str) -> str:
    result = subprocess.run(
        [*_psql_command(database, sql), "-At"], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"psql {sql!r} failed:\n{result.stderr}")
    return result.stdout.strip()


def _check_pg_count(database: str, table: str, rows: int) -> None:
    count = int(_psql(database, f"SELECT count(*) FROM {table}"))
    if count != rows:
        raise SystemExit(f"{database}: {table} has {count} rows, expected {rows}")


def _figures(database: str, natives: list[float], first: AppRun, again: AppRun) -> Figures:
    bare, keyed = natives
    return Figures(
        database=database,
        bare_s=bare,
        native_s=keyed,
        app_s=first.seconds,
        reimport_s=again.seconds,
        peak_mb=max(first.peak_mb, again.peak_mb),
        baseline_mb=max(first.baseline_mb, again.baseline_mb),
    )


def median_figures(runs: list[Figures]) -> Figures:
    """The median of each timing over repeated runs; the largest peak memory."""
    return Figures(
        database=runs[0].database,
        bare_s=statistics.median(r.bare_s for r in runs),
        native_s=statistics.median(r.native_s for r in runs),
        app_s=statistics.median(r.app_s for r in runs),
        reimport_s=statistics.median(r.reimport_s for r in runs),
        peak_mb=max(r.peak_mb for r in runs),
        baseline_mb=max(r.baseline_mb for r in runs),
    )


# ---------------------------------------------------------------- reporting


def machine_info(with_postgres: bool, repeat: int) -> dict[str, str]:
    """What the figures were measured on, and how many runs each figure is the median of."""
    info = {
        "CPUs (nproc)": str(len(os.sched_getaffinity(0))),
        "Python": platform.python_version(),
        "SQLite (sqlite3 CLI)": subprocess.run(
            ["sqlite3", "--version"], capture_output=True, text=True, check=True
        ).stdout.split()[0],
        "SQLite (Python module)": sqlite3.sqlite_version,
        "Platform": platform.platform(),
        "Load average (1, 5, 15 min) at start": ", ".join(f"{x:.2f}" for x in LOAD_AT_START),
    }
    if with_postgres:
        info["PostgreSQL"] = _psql("postgres", "SHOW server_version").split()[0]
    info["Runs per database"] = f"{repeat} (timings are medians, peak memory the largest)"
    return info


def table(figures: list[Figures], rows: int) -> str:
    """The figures as a Markdown table."""
    lines = [
        f"| {rows:,} people | native keyed s | app s | ratio (≤ 10) | re-import s (≤ app) "
        "| peak MB (< 200) | baseline MB | native bare s | app ÷ bare |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for f in figures:
        lines.append(
            f"| {f.database} | {f.native_s:.2f} | {f.app_s:.2f} | {f.ratio:.1f} "
            f"| {f.reimport_s:.2f} | {f.peak_mb:.0f} | {f.baseline_mb:.0f} "
            f"| {f.bare_s:.2f} | {f.app_s / f.bare_s:.1f} |"
        )
    return "\n".join(lines)


def record(figures: list[Figures], rows: int, info: dict[str, str], missed: list[str]) -> None:
    """Append a dated section with the machine and the figures to benchmarks/README.md."""
    if not README.exists():
        README.write_text(README_INTRO, encoding="utf-8")
    today = datetime.now().astimezone().date().isoformat()
    machine = "\n".join(f"- {name}: {value}" for name, value in info.items())
    verdict = (
        "all targets met"
        if not missed
        else "targets missed:\n\n" + "\n".join(f"- {line}" for line in missed)
    )
    section = (
        f"\n## {today}: import_people.py, {rows:,} people\n\n{machine}\n\n"
        f"{table(figures, rows)}\n\nResult: {verdict}\n"
    )
    with README.open("a", encoding="utf-8") as out:
        out.write(section)


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 0 when every target is met, 1 otherwise."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == [CHILD_COMMAND]:
        child_import(argv[1], Path(argv[2]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="people in the file")
    parser.add_argument("--skip-postgres", action="store_true", help="measure SQLite only")
    parser.add_argument("--repeat", type=int, default=1, help="runs per database (median)")
    parser.add_argument("--record", action="store_true", help="append to benchmarks/README.md")
    parser.add_argument("--keep", action="store_true", help="keep the temporary files")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="postwise-bench-"))
    try:
        csv_path = workdir / "people.csv"
        generate_hris_csv(csv_path, args.rows)
        size_mb = csv_path.stat().st_size / 1_048_576
        print(f"{args.rows:,} people, {size_mb:.1f} MB, in {csv_path}", file=sys.stderr)
        figures = [
            median_figures(
                [measure_sqlite(csv_path, workdir, args.rows) for _ in range(args.repeat)]
            )
        ]
        if not args.skip_postgres:
            figures.append(
                median_figures([measure_postgres(csv_path, args.rows) for _ in range(args.repeat)])
            )
    finally:
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    missed = [line for f in figures for line in f.misses()]
    print(table(figures, args.rows))
    for line in missed:
        print(f"MISSED {line}")
    if args.record:
        record(figures, args.rows, machine_info(not args.skip_postgres, args.repeat), missed)
        print(f"recorded in {README.relative_to(ROOT)}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
