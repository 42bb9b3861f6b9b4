"""Benchmark: report pages and report downloads at 100,000 people, on SQLite and PostgreSQL.

The targets (from the issue), each measured against a baseline taken in the same run, because
this machine is small and shared and only ratios carry over to another one:

1. Pages, served by gunicorn with two sync workers and loaded with wrk on loopback: My
   learning answers at least 25% of the requests per second of /healthz (a bare request
   that runs SELECT 1), the manager's team page (2,000 people) at least 5%.
2. The organisation-wide CSV export (every active person's latest cycle of each course,
   about 485,000 rows) takes at most 3x (aim: 2x) as long as the database's own CSV export
   of the same statement (`sqlite3 -csv`, `psql \\copy ... TO STDOUT`), and the exporting
   process peaks under 100 MB whatever the row count (measured at all rows and at one
   course's ~100,000, so flatness shows).
3. The XLSX export of the same rows takes at most 8x the app's CSV export, peak under 100 MB.
4. For the record, no target: how many SQL statements each report page issues.

Each app export runs in a child process (this script with a hidden sub-command) that has
already imported the app, so the clock runs from starting the export to closing the file and
the peak memory is the export's own. Repetitions are interleaved (SQLite, then PostgreSQL,
then again); figures are medians with min-max, targets are judged on the medians (memory on
the largest peak).

    .venv/bin/python benchmarks/reports_speed.py [--repeat N] [--skip-postgres] [--record]

Exits 1 when a target is missed, so it can serve as a check.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import re
import resource
import secrets
import shlex
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "benchmarks" / "README.md"
LOAD_AT_START = os.getloadavg()

EXPORT_COMMAND = "_export"  # hidden: one timed app export, run by the parent in a child
STATEMENTS_COMMAND = "_statements"  # hidden: count each page's SQL statements in-process

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PG_DB = "postwise_bench_speed"
LOOPBACK = "127.0.0.1"
PASSWORD = "bench-password-123456"  # noqa: S105 - make_org.py gives it to everyone
LEARNER = "learner@bench.example.com"
MANAGER = "manager2000@bench.example.com"
HR = "hr@bench.example.com"
COURSE = "social-media-essentials"  # the course filter: about a fifth of the rows
SESSION_COOKIE = "postwise_session"  # lms.config DEFAULTS["SESSION_COOKIE_NAME"]

GUNICORN_WORKERS = 2
WRK_THREADS, WRK_CONNECTIONS = 1, 4
MIN_HOME_SHARE = 0.25  # of /healthz's requests per second
MIN_TEAM_SHARE = 0.05
MAX_CSV_RATIO, AIM_CSV_RATIO = 3.0, 2.0  # app CSV / native CSV
MAX_XLSX_RATIO = 8.0  # XLSX / app CSV
MAX_PEAK_MB = 100.0

# The pages loaded with wrk: (label, path, who signs in, text the page must show).
LOADED_PAGES = (
    ("health check", "/healthz", None, '"status":"ok"'),
    ("My learning", "/", LEARNER, "My learning"),
    ("team page", "/reports/team", MANAGER, "records found"),
)
# The pages whose statements are counted: (path, who signs in, text the page must show).
COUNTED_PAGES = (
    ("/", LEARNER, "My learning"),
    ("/reports/team", MANAGER, "records found"),
    ("/reports/team?status=overdue", MANAGER, "records found"),
    ("/reports/organisation", HR, "<h1>Organisation</h1>"),
    ("/reports/guideline", HR, "Guideline acknowledgements"),
)
EXPORTS = (  # (key, format, course filter); "csv-all" is the one compared with the database
    ("csv-all", "csv", ""),
    ("csv-course", "csv", COURSE),
    ("xlsx-all", "xlsx", ""),
    ("xlsx-course", "xlsx", COURSE),
)

README_SECTION = """
## reports_speed.py: report pages and downloads at 100,000 people

    .venv/bin/python benchmarks/reports_speed.py --record

Builds make_org.py's organisation (default 100,000 people, five courses, about 485,000 report
rows) in a fresh SQLite file and a fresh PostgreSQL database, then measures on both, the
repetitions interleaved (SQLite, PostgreSQL, SQLite, ...):

- **pages**: requests per second of My learning (as learner@bench.example.com) and of the
  team page (as manager2000@bench.example.com: the first page of 2,000 people's records and
  the per-course counts), `wrk -t1 -c4` on loopback against `gunicorn` with two sync workers,
  each as a share of `/healthz` (SELECT 1) on the same server. The share is the target (at
  least 25% and 5%): it says what a page costs above the bare request cycle, which is what
  the code controls, whatever the machine;
- **CSV**: the organisation-wide download (`export_rows` and `csv_chunks`, written to a
  file), timed from starting the export to closing the file in a child process that has
  already imported the app, against the database's own CSV export of the same statement
  compiled with literal values (`sqlite3 -csv`, `psql -c "\\copy (...) TO STDOUT ..."`);
  the target is at most 3x (aim 2x), and both files must have the same number of lines;
- **XLSX**: `write_xlsx` of the same rows in the same way; the target is at most 8x the
  app's CSV;
- **peak memory**: the exporting child's maximum resident set size, at all rows and at one
  course's (about 100,000), so that flatness shows; the target is under 100 MB whatever
  the row count. **Before the export** is the same child with the app's modules loaded and
  a connection open, most of the peak. RSS also counts file pages mapped into the process,
  so **private** memory (RssAnon, sampled every 5 ms during the export) is shown beside it:
  the memory that is the process's own;
- **statements**: SQL statements each report page issues, counted with a
  `before_cursor_execute` listener around one test-client request (no target; pages should
  run a fixed number whatever the data size). On SQLite the count includes the `BEGIN` the
  app sends itself; PostgreSQL's driver begins without a statement.

Each section names the commit measured and whether the app's files had uncommitted changes.

Figures are medians with min-max over the repetitions; targets are judged on the medians,
memory on the largest peak. Options: `--repeat N` (default 3), `--employees N`, `--seconds S`
(wrk duration, default 8), `--skip-postgres`, `--reuse-sqlite FILE` / `--reuse-pg NAME`
(measure an organisation built before instead of building one: saves a minute or two each),
`--keep` (keep what was built). PostgreSQL is reached as `postgres@127.0.0.1:5432`; the
script creates and drops the database `postwise_bench_speed`.
"""


def log(message: str) -> None:
    """Progress goes to stderr, so stdout holds only the results."""
    print(message, file=sys.stderr, flush=True)


class BenchmarkError(RuntimeError):
    """Something went wrong that makes the figures meaningless (not a missed target)."""


# ---------------------------------------------------------------- the databases


@dataclass(frozen=True)
class Database:
    """One database under test and how to reach it from the app and from its own CLI."""

    name: str  # "SQLite" or "PostgreSQL"
    url: str
    sqlite_path: Path | None = None  # SQLite only
    pg_name: str | None = None  # PostgreSQL only

    @property
    def dialect(self) -> str:
        return "sqlite" if self.sqlite_path else "postgresql"


def _psql_command(database: str, sql: str, *options: str) -> list[str]:
    return ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", *options, "-h", LOOPBACK,
            "-U", "postgres", "-d", database, "-c", sql]  # fmt: skip


def psql(database: str, sql: str) -> str:
    """One statement through psql; its output, unaligned."""
    result = subprocess.run(
        _psql_command(database, sql, "-At"), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BenchmarkError(f"psql {sql!r} failed:\n{result.stderr}")
    return result.stdout.strip()


def build_organisation(url: str, employees: int) -> None:
    """make_org.py into `url` (progress on stderr, its summary echoed there too)."""
    log(f"building {employees:,} people in {url} (a minute or two)")
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "make_org.py"),
            "--employees",
            str(employees),
            "--replace",
        ],
        env={**os.environ, "LMS_DATABASE_URL": url},
        stdout=subprocess.PIPE,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if result.returncode != 0:
        raise BenchmarkError(f"make_org.py into {url} failed (see its output above)")
    log(result.stdout.rstrip())


def count_people(database: Database) -> int:
    """How many people the organisation holds (a reused one may differ from --employees)."""
    sql = "SELECT count(*) FROM employees"
    if database.sqlite_path:
        with contextlib.closing(sqlite3.connect(database.sqlite_path)) as connection:
            return int(connection.execute(sql).fetchone()[0])
    assert database.pg_name
    return int(psql(database.pg_name, sql))


# ---------------------------------------------------------------- the exports


@dataclass(frozen=True)
class ExportRun:
    """One app export as measured by its child process."""

    seconds: float
    peak_mb: float
    baseline_mb: float
    peak_private_mb: float
    baseline_private_mb: float
    rows: int
    lines: int  # lines in the file, header included (CSV only; 0 for XLSX)


class PrivateMemory(threading.Thread):
    """The peak of this process's private (anonymous) resident memory, sampled.

    ru_maxrss also counts the pages of files mapped into the process (libraries, and a
    database file if SQLite were told to read through mmap): memory the kernel shares with
    its page cache. Sampling RssAnon every few milliseconds shows the process's own apart.
    """

    def __init__(self, interval: float = 0.005) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.start_kb = self.peak_kb = rss_anon_kb()
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(self.interval):
            self.peak_kb = max(self.peak_kb, rss_anon_kb())

    def stop(self) -> float:
        """Stop sampling; the peak in MB."""
        self._done.set()
        self.join()
        return max(self.peak_kb, rss_anon_kb()) / 1024


def rss_anon_kb() -> int:
    """RssAnon from /proc/self/status (Linux), in KB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    return 0


def child_export(url: str, file_format: str, course: str, out_path: Path) -> None:
    """The hidden sub-command: one export to a file; print seconds, memory and rows as JSON.

    Everything a running server has loaded (the app's modules, a pooled connection) is
    loaded before the clock starts, so the time and the extra memory are the export's own.
    """
    from lms.db import make_engine, make_session_factory
    from lms.people.org import EVERYONE
    from lms.reports.completions import LAYOUT, CompletionFilter, export_rows
    from lms.reports.exports import csv_chunks, write_xlsx

    engine = make_engine(url)
    engine.connect().close()  # the pool keeps it, as in a server that has answered before
    sessions = make_session_factory(engine)
    filters = CompletionFilter(course=course)
    baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux
    private = PrivateMemory()
    private.start()
    start = time.perf_counter()
    with sessions() as session:
        batches = export_rows(session, EVERYONE, filters)
        if file_format == "csv":
            with out_path.open("w", encoding="utf-8", newline="") as out:
                for chunk in csv_chunks(LAYOUT, batches):
                    out.write(chunk)
        else:
            with out_path.open("wb") as binary:
                rows = write_xlsx(binary, LAYOUT, batches)
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_private_mb = private.stop()
    engine.dispose()
    lines = 0
    if file_format == "csv":  # counted outside the clock
        lines = count_lines(out_path)
        rows = lines - 1
    report = ExportRun(
        seconds,
        peak_mb=peak_kb / 1024,
        baseline_mb=baseline_kb / 1024,
        peak_private_mb=peak_private_mb,
        baseline_private_mb=private.start_kb / 1024,
        rows=rows,
        lines=lines,
    )
    print(json.dumps(vars(report)))


def count_lines(path: Path) -> int:
    """Newlines in a file, read in blocks (CSV files of ~60 MB)."""
    lines = 0
    with path.open("rb") as data:
        while block := data.read(1 << 20):
            lines += block.count(b"\n")
    return lines


def app_export(
    database: Database, file_format: str, course: str, out_path: Path, workdir: Path
) -> ExportRun:
    """Run one app export in a child process and return what it measured."""
    result = subprocess.run(
        [
            sys.executable,
            __file__,
            EXPORT_COMMAND,
            database.url,
            file_format,
            course,
            str(out_path),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(workdir)},  # xlsxwriter's temporary files
    )
    if result.returncode != 0:
        raise BenchmarkError(f"{database.name} {file_format} export failed:\n{result.stderr}")
    return ExportRun(**json.loads(result.stdout.strip().splitlines()[-1]))


def export_sql(dialect: str) -> str:
    """The app's export statement, compiled with its values inlined, on one line (for psql)."""
    from sqlalchemy.dialects import postgresql, sqlite

    from lms.people.org import EVERYONE
    from lms.reports.completions import CompletionFilter, export_statement

    compiled = export_statement(EVERYONE, CompletionFilter()).compile(
        dialect=sqlite.dialect() if dialect == "sqlite" else postgresql.dialect(),
        compile_kwargs={"literal_binds": True},
    )
    return " ".join(str(compiled).split("\n"))


def native_export(database: Database, out_path: Path) -> float:
    """The database's own CSV export of the same statement to a file; wall-clock seconds."""
    sql = export_sql(database.dialect)
    if database.sqlite_path:
        command = ["sqlite3", "-bail", "-csv", "-header", str(database.sqlite_path), sql]
    else:
        assert database.pg_name
        copy = f"\\copy ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)"
        command = _psql_command(database.pg_name, copy)
    with out_path.open("wb") as out:
        start = time.perf_counter()
        result = subprocess.run(command, stdout=out, stderr=subprocess.PIPE, check=False)
        seconds = time.perf_counter() - start
    if result.returncode != 0 or result.stderr.strip():
        raise BenchmarkError(f"{command[0]} export failed:\n{result.stderr.decode()}")
    return seconds


# ---------------------------------------------------------------- the web server


def signed_in_cookie(port: int, email: str, password: str = PASSWORD) -> str:
    """Sign in as a browser does (GET the form, POST it with its CSRF token); the session."""
    status, headers, body = http_get(port, "/sign-in", "")
    if status != 200:
        raise BenchmarkError(f"GET /sign-in answered {status}")
    cookie = _session_from(headers) or ""
    form = urlencode({"email": email, "password": password, "csrf_token": csrf_token(body)})
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=60)
    try:
        connection.request(
            "POST",
            "/sign-in",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"{SESSION_COOKIE}={cookie}",
            },
        )
        response = connection.getresponse()
        response.read()
        signed_in = _session_from(response.headers.get_all("Set-Cookie") or [])
    finally:
        connection.close()
    if response.status != 302 or not signed_in:
        raise BenchmarkError(f"signing in as {email} failed: POST /sign-in {response.status}")
    return signed_in


def csrf_token(page: str) -> str:
    """The value of the form's hidden csrf_token input."""
    tag = re.search(r"<input[^>]*\bname=\"csrf_token\"[^>]*>", page)
    value = re.search(r"\bvalue=\"([^\"]*)\"", tag.group(0)) if tag else None
    if value is None:
        raise BenchmarkError("the sign-in form has no csrf_token input")
    return value.group(1)


def _session_from(set_cookies: list[str]) -> str | None:
    for header in set_cookies:
        morsel = SimpleCookie(header).get(SESSION_COOKIE)
        if morsel is not None:
            return morsel.value
    return None


def http_get(port: int, path: str, cookie: str) -> tuple[int, list[str], str]:
    """GET a path on the loopback server: status, Set-Cookie headers, body."""
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=120)
    try:
        headers = {"Cookie": f"{SESSION_COOKIE}={cookie}"} if cookie else {}
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, response.headers.get_all("Set-Cookie") or [], body
    finally:
        connection.close()


def check_page(port: int, path: str, cookie: str, expect: str) -> None:
    """The page must answer 200 with its text: a redirect to sign-in would load fast too."""
    status, _, body = http_get(port, path, cookie)
    if status != 200 or expect not in body:
        raise BenchmarkError(f"GET {path} answered {status} without {expect!r}:\n{body[:500]}")


class Gunicorn:
    """`gunicorn 'lms:create_app()'` on a loopback port, stopped however the run ends.

    The parent binds the listening socket and hands it over (`--bind fd://N`), so the port is
    known and cannot be taken by anything else in between, and the app's links (LMS_BASE_URL)
    point at this server. `app` and `env` serve another app factory or settings.
    """

    def __init__(
        self,
        database: Database,
        workdir: Path,
        workers: int = GUNICORN_WORKERS,
        *,
        app: str = "lms:create_app()",
        env: dict[str, str] | None = None,
    ) -> None:
        self.database = database
        self.workers = workers
        self.app = app
        self.env = env or {}
        self.log_path = workdir / f"gunicorn-{database.dialect}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0

    def __enter__(self) -> Gunicorn:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((LOOPBACK, 0))
        listener.listen(2048)  # gunicorn's default backlog; it keeps a listening socket's own
        self.port = listener.getsockname()[1]
        env = {
            **os.environ,
            "LMS_DATABASE_URL": self.database.url,
            "LMS_SECRET_KEY": secrets.token_hex(32),
            "LMS_AUTO_UPGRADE": "false",
            # Only POST /sign-in is limited, and only the script's own sign-ins hit it.
            "LMS_SIGN_IN_RATE_LIMIT": "1000 per minute",
            "LMS_BASE_URL": f"http://{LOOPBACK}:{self.port}",
            **self.env,
        }
        command = [
            str(Path(sys.executable).with_name("gunicorn")),
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--bind",
            f"fd://{listener.fileno()}",
            "--graceful-timeout",
            "5",
            self.app,
        ]
        with self.log_path.open("wb") as log_file:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                pass_fds=(listener.fileno(),),
                start_new_session=True,  # Ctrl-C reaches this script, which stops gunicorn
            )
        listener.close()
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        assert self.process is not None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchmarkError(f"gunicorn exited:\n{self.log_path.read_text()}")
            with contextlib.suppress(OSError):
                if http_get(self.port, "/healthz", "")[0] == 200:
                    return
            time.sleep(0.2)
        raise BenchmarkError(f"gunicorn did not answer in {timeout:.0f} s")

    def stop(self) -> None:
        """SIGTERM to the master (it stops its workers); SIGKILL to its group if it hangs."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.stop()


def wrk(port: int, path: str, cookie: str, seconds: int) -> float:
    """Requests per second of one path; any non-2xx/3xx answer or socket error fails the run."""
    command = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{WRK_CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
    ]
    if cookie:
        command += ["-H", f"Cookie: {SESSION_COOKIE}={cookie}"]
    command.append(f"http://{LOOPBACK}:{port}{path}")
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    output = result.stdout
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    problems = re.findall(
        r"^\s*(Non-2xx or 3xx responses: \d+|Socket errors: .*)$", output, re.MULTILINE
    )
    if result.returncode != 0 or rate is None or problems:
        raise BenchmarkError(f"wrk {path}: {'; '.join(problems) or 'failed'}\n{output}")
    return float(rate.group(1))


def load_pages(server: Gunicorn, seconds: int) -> dict[str, float]:
    """Requests per second of each loaded page, each checked before and after its load.

    Each repetition signs in afresh, so no session can pass its idle limit mid-run (a
    redirect to the sign-in page would count as a fast success).
    """
    cookies = {email: signed_in_cookie(server.port, email) for email in (LEARNER, MANAGER)}
    rates = {}
    for label, path, email, expect in LOADED_PAGES:
        cookie = cookies[email] if email else ""
        check_page(server.port, path, cookie, expect)
        rates[label] = wrk(server.port, path, cookie, seconds)
        check_page(server.port, path, cookie, expect)
    return rates


# ---------------------------------------------------------------- statements per page


def child_statements(url: str) -> None:
    """The hidden sub-command: SQL statements per page, counted around test-client requests.

    Each page is requested twice; both counts are printed, so a first-request-only query
    (a cache being filled) shows as a difference.
    """
    from sqlalchemy import event

    from lms import create_app
    from lms.dbsession import database

    app = create_app(
        {"DATABASE_URL": url, "SECRET_KEY": "x", "RATELIMIT_ENABLED": False, "AUTO_UPGRADE": False}
    )
    statements = [0]

    @event.listens_for(database(app).engine, "before_cursor_execute")
    def _count(*_args: Any) -> None:
        statements[0] += 1

    clients = {}
    for email in {email for _, email, _ in COUNTED_PAGES}:
        client = app.test_client()
        form = client.get("/sign-in").get_data(as_text=True)
        answer = client.post(
            "/sign-in",
            data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(form)},
        )
        if answer.status_code != 302:
            raise BenchmarkError(f"test client: signing in as {email} answered {answer.status}")
        clients[email] = client
    counts: dict[str, list[int]] = {}
    for path, email, expect in COUNTED_PAGES:
        for _ in range(2):
            statements[0] = 0
            response = clients[email].get(path)
            if response.status_code != 200 or expect not in response.get_data(as_text=True):
                raise BenchmarkError(f"test client: GET {path} answered {response.status}")
            counts.setdefault(path, []).append(statements[0])
    print(json.dumps(counts))


def count_statements(database: Database) -> dict[str, list[int]]:
    """Run the statement count in a child, so this process never holds the app's engine."""
    result = subprocess.run(
        [sys.executable, __file__, STATEMENTS_COMMAND, database.url],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if result.returncode != 0:
        raise BenchmarkError(f"{database.name}: counting statements failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- one repetition


@dataclass(frozen=True)
class Repetition:
    """Everything measured on one database in one repetition."""

    rates: dict[str, float]  # requests per second, by LOADED_PAGES label
    native_s: float
    exports: dict[str, ExportRun]  # by EXPORTS key

    @property
    def home_share(self) -> float:
        return self.rates["My learning"] / self.rates["health check"]

    @property
    def team_share(self) -> float:
        return self.rates["team page"] / self.rates["health check"]

    @property
    def csv_ratio(self) -> float:
        return self.exports["csv-all"].seconds / self.native_s

    @property
    def xlsx_ratio(self) -> float:
        return self.exports["xlsx-all"].seconds / self.exports["csv-all"].seconds


def measure(database: Database, server: Gunicorn, workdir: Path, seconds: int) -> Repetition:
    """The pages under load, then the native export and each app export, checked."""
    log(f"{database.name}: pages")
    rates = load_pages(server, seconds)
    log(f"{database.name}: native CSV export")
    native_path = workdir / "native.csv"
    native_s = native_export(database, native_path)
    native_lines = count_lines(native_path)
    native_path.unlink()
    exports = {}
    for key, file_format, course in EXPORTS:
        log(f"{database.name}: app export {key}")
        out_path = workdir / f"app.{file_format}"
        exports[key] = app_export(database, file_format, course, out_path, workdir)
        out_path.unlink()
    if exports["csv-all"].lines != native_lines:
        raise BenchmarkError(
            f"{database.name}: the app's CSV has {exports['csv-all'].lines:,} lines, "
            f"the database's {native_lines:,}"
        )
    for kind in ("all", "course"):
        csv_rows, xlsx_rows = exports[f"csv-{kind}"].rows, exports[f"xlsx-{kind}"].rows
        if csv_rows != xlsx_rows:
            raise BenchmarkError(f"{database.name}: CSV {csv_rows:,} rows, XLSX {xlsx_rows:,}")
    return Repetition(rates, native_s, exports)


def warm_up(database: Database, server: Gunicorn, workdir: Path) -> None:
    """One untimed pass: templates compiled in both workers, the tables in the page cache,
    so the first repetition is not the only one paying for a cold start."""
    log(f"{database.name}: warming up")
    load_pages(server, 2)
    native_export(database, workdir / "native.csv")
    (workdir / "native.csv").unlink()


# ---------------------------------------------------------------- the figures


@dataclass(frozen=True)
class Target:
    """A limit a figure must reach (`at_least`) or stay within; an aim only informs."""

    limit: float
    at_least: bool = False
    strict: bool = False  # "under", not "at most"
    aim: bool = False

    def met(self, value: float) -> bool:
        if self.at_least:
            return value >= self.limit
        return value < self.limit if self.strict else value <= self.limit


@dataclass(frozen=True)
class Figure:
    """One row of a table: a measure over the repetitions, perhaps with its target."""

    label: str
    values: list[float]
    unit: str = ""  # "%" or "x" after the number; "" for plain figures
    digits: int = 0
    target: Target | None = None
    worst: bool = False  # judge the largest value (memory) rather than the median
    note: str = ""  # said with a miss: what else explains it

    @property
    def judged(self) -> float:
        return max(self.values) if self.worst else statistics.median(self.values)

    @property
    def met(self) -> bool:
        return self.target is None or self.target.met(self.judged)

    def number(self, value: float) -> str:
        return f"{value:,.{self.digits}f}"

    def show(self, value: float) -> str:
        return f"{self.number(value)}{self.unit}"

    def target_text(self) -> str:
        if self.target is None:
            return ""
        bound = "≥" if self.target.at_least else "<" if self.target.strict else "≤"
        return f"{bound} {self.target.limit:g}{self.unit}"

    def verdict(self) -> str:
        if self.target is None:
            return ""
        if self.target.aim:
            return "aim reached" if self.met else "aim not reached"
        return "met" if self.met else "**missed**"

    def cells(self) -> str:
        low, high = min(self.values), max(self.values)
        low_high = f"{self.number(low)}-{self.show(high)}" if len(self.values) > 1 else ""
        shown = f"{self.show(self.judged)}{' (max)' if self.worst else ''}"
        return f"| {self.label} | {shown} | {low_high} | {self.target_text()} | {self.verdict()} |"

    def miss(self) -> str:
        """The miss in words, with by how much."""
        assert self.target is not None
        value, limit = self.judged, self.target.limit
        if self.target.at_least:
            points = " points" if self.unit == "%" else self.unit
            how_much = f"short by {self.number(limit - value)}{points} (needs {limit / value:.2f}x)"
        else:
            how_much = f"over by {self.show(value - limit)} ({value / limit:.2f}x the limit)"
        note = f"; {self.note}" if self.note else ""
        return f"{self.label}: {self.show(value)}, target {self.target_text()}: {how_much}{note}"


def _as_whom(email: str | None) -> str:
    return f" as {email.split('@')[0]}" if email else ""


@dataclass
class Results:
    """All repetitions on one database, and what was counted once."""

    database: Database
    people: int
    statements: dict[str, list[int]]
    repetitions: list[Repetition] = field(default_factory=list)

    def figures(self) -> list[Figure]:
        """Every row of the table, targets (judged on medians, memory on the worst) included."""
        reps = self.repetitions
        rows = {key: reps[0].exports[key].rows for key, _, _ in EXPORTS}
        native = "sqlite3 -csv" if self.database.dialect == "sqlite" else "psql \\copy"

        def seconds(key: str) -> list[float]:
            return [r.exports[key].seconds for r in reps]

        found = [
            Figure(
                f"{label} `{path}`{_as_whom(email)}, requests/s",
                [r.rates[label] for r in reps],
            )
            for label, path, email, _ in LOADED_PAGES
        ]
        found += [
            Figure("My learning ÷ /healthz", [100 * r.home_share for r in reps], "%", 1,
                   Target(100 * MIN_HOME_SHARE, at_least=True)),
            Figure("team page ÷ /healthz", [100 * r.team_share for r in reps], "%", 1,
                   Target(100 * MIN_TEAM_SHARE, at_least=True)),
            Figure(f"native CSV export ({native}), {rows['csv-all']:,} rows, s",
                   [r.native_s for r in reps], digits=2),
            Figure("app CSV export, same rows, s", seconds("csv-all"), digits=2),
            Figure("app CSV ÷ native", [r.csv_ratio for r in reps], "x", 2,
                   Target(MAX_CSV_RATIO)),
            Figure("app CSV ÷ native (aim)", [r.csv_ratio for r in reps], "x", 2,
                   Target(AIM_CSV_RATIO, aim=True)),
            Figure("app XLSX export, same rows, s", seconds("xlsx-all"), digits=2),
            Figure("app XLSX ÷ app CSV", [r.xlsx_ratio for r in reps], "x", 2,
                   Target(MAX_XLSX_RATIO)),
            Figure(f"app CSV export, {rows['csv-course']:,} rows (one course), s",
                   seconds("csv-course"), digits=2),
            Figure(f"app XLSX export, {rows['xlsx-course']:,} rows (one course), s",
                   seconds("xlsx-course"), digits=2),
        ]  # fmt: skip
        baselines = [r.exports[key].baseline_mb for r in reps for key, _, _ in EXPORTS]
        for key, file_format, _ in EXPORTS:
            baseline = max(r.exports[key].baseline_mb for r in reps)
            found.append(
                Figure(f"{file_format.upper()} export peak memory, {rows[key]:,} rows",
                       [r.exports[key].peak_mb for r in reps], " MB",
                       target=Target(MAX_PEAK_MB, strict=True), worst=True,
                       note=f"{baseline:.0f} MB of it before the export started")
            )  # fmt: skip
        found.append(Figure("exporting process before the export", baselines, " MB"))
        private = [r.exports[key].baseline_private_mb for r in reps for key, _, _ in EXPORTS]
        found.append(Figure("exporting process before the export, private", private, " MB"))
        for key, file_format, _ in EXPORTS:
            found.append(
                Figure(f"{file_format.upper()} export peak private memory, {rows[key]:,} rows",
                       [r.exports[key].peak_private_mb for r in reps], " MB", worst=True)
            )  # fmt: skip
        for path, counts in self.statements.items():
            first = f" (first request: {counts[0]})" if counts[0] != counts[-1] else ""
            found.append(Figure(f"SQL statements, `{path}`{first}", [float(counts[-1])]))
        return found

    def misses(self) -> tuple[list[str], list[str]]:
        """The missed targets and the unreached aims, in words."""
        missed = [f for f in self.figures() if not f.met]
        name = self.database.name
        return (
            [f"{name}: {f.miss()}" for f in missed if f.target and not f.target.aim],
            [f"{name}: {f.miss()}" for f in missed if f.target and f.target.aim],
        )


def table(results: Results) -> str:
    """One database's figures as a Markdown table."""
    lines = [
        f"| {results.database.name}, {results.people:,} people | median | min-max | target | |",
        "|---|---:|---:|---|---|",
    ]
    return "\n".join(lines + [figure.cells() for figure in results.figures()])


def outcome(all_results: list[Results]) -> tuple[list[str], list[str]]:
    """The missed targets and the unreached aims, over every database."""
    missed, aims = [], []
    for results in all_results:
        more_missed, more_aims = results.misses()
        missed += more_missed
        aims += more_aims
    return missed, aims


def result_lines(missed: list[str], aims: list[str]) -> list[str]:
    """The verdict, then each miss and each aim not reached."""
    lines = ["Result: all targets met" if not missed else "Result: targets missed:", ""]
    lines += [f"- missed: {line}" for line in missed]
    lines += [f"- aim not reached (not a target): {line}" for line in aims]
    return lines if missed or aims else lines[:1]


# ---------------------------------------------------------------- recording


def _version(command: list[str], pattern: str) -> str:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    found = re.search(pattern, result.stdout + result.stderr)
    return found.group(1) if found else "unknown"


def machine_info(
    with_postgres: bool, repeat: int, seconds: int, code_changed: bool
) -> dict[str, str]:
    """What the figures were measured on, and how."""
    info = {
        "CPUs (nproc)": str(len(os.sched_getaffinity(0))),
        "Python": platform.python_version(),
        "SQLite (sqlite3 CLI)": _version(["sqlite3", "--version"], r"^(\S+)"),
        "SQLite (Python module)": sqlite3.sqlite_version,
    }
    if with_postgres:
        info["PostgreSQL"] = psql("postgres", "SHOW server_version").split()[0]
    gunicorn = _version(
        [str(Path(sys.executable).with_name("gunicorn")), "--version"], r"version ([\d.]+)"
    )
    wrk_version = _version(["wrk", "-v"], r"wrk (\S+)")
    info |= {
        "Platform": platform.platform(),
        "Load average (1, 5, 15 min) at start": ", ".join(f"{x:.2f}" for x in LOAD_AT_START),
        "Server": f"gunicorn {gunicorn}, {GUNICORN_WORKERS} sync workers, on loopback",
        "Load generator": f"wrk {wrk_version} -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{seconds}s",
        "Repetitions": f"{repeat}, interleaved (figures are medians and min-max)",
        "Code": code_version()
        + (" (the app's code changed during the run)" if code_changed else ""),
    }
    return info


def code_version() -> str:
    """The commit measured, and whether the app's files differed from it (work in progress)."""
    commit = _version(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], r"(\S+)")
    changed = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no", "--",
         "lms", "templates"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.splitlines()  # fmt: skip
    return f"commit {commit}" + (
        f", with uncommitted changes to {len(changed)} files in lms/ and templates/"
        if changed
        else ""
    )


def code_fingerprint() -> str:
    """The commit and the uncommitted changes to the app: if they differ at the end of the
    run, someone changed the code while it was measured (children import it afresh)."""
    state = [
        subprocess.run(["git", "-C", str(ROOT), *command, "--", "lms", "templates"],
                       capture_output=True, text=True, check=False).stdout
        for command in (["log", "-1", "--format=%H"], ["diff", "HEAD"])
    ]  # fmt: skip
    return "".join(state)


def record(all_results: list[Results], info: dict[str, str], command: str) -> None:
    """Append the script's description (first time only) and a dated section to the README."""
    text = README.read_text(encoding="utf-8")
    parts = []
    if "## reports_speed.py:" not in text:
        parts.append(README_SECTION)
    people = all_results[0].people
    machine = "\n".join(f"- {name}: {value}" for name, value in info.items())
    tables = "\n\n".join(table(results) for results in all_results)
    missed, aims = outcome(all_results)
    parts.append(
        f"\n## {time.strftime('%Y-%m-%d')}: reports_speed.py, {people:,} people\n\n"
        f"    {command}\n\n{machine}\n\n{tables}\n\n" + "\n".join(result_lines(missed, aims)) + "\n"
    )
    with README.open("a", encoding="utf-8") as out:
        out.write("".join(parts))


# ---------------------------------------------------------------- main


@contextlib.contextmanager
def databases(args: argparse.Namespace, workdir: Path) -> Iterator[list[Database]]:
    """The databases to measure: reused as given, or built now and dropped afterwards."""
    found = []
    built_pg = False
    try:
        if args.reuse_sqlite:
            path = Path(args.reuse_sqlite).resolve()
            if not path.exists():
                raise BenchmarkError(f"{path} does not exist")
        else:
            path = workdir / "org.sqlite3"
            build_organisation(f"sqlite:///{path}", args.employees)
        found.append(Database("SQLite", f"sqlite:///{path}", sqlite_path=path))
        if not args.skip_postgres:
            name = args.reuse_pg or PG_DB
            if not args.reuse_pg:
                psql("postgres", f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
                psql("postgres", f'CREATE DATABASE "{PG_DB}"')
                built_pg = True
                build_organisation(f"{PG_SERVER}/{PG_DB}", args.employees)
            found.append(Database("PostgreSQL", f"{PG_SERVER}/{name}", pg_name=name))
        yield found
    finally:
        if built_pg and not args.keep:
            psql("postgres", f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
        elif built_pg:
            log(f"kept PostgreSQL database {PG_DB} (--reuse-pg {PG_DB})")


def run(args: argparse.Namespace, workdir: Path) -> list[Results]:
    """Start a server per database, count statements, then the interleaved repetitions."""
    with databases(args, workdir) as found, contextlib.ExitStack() as stack:
        all_results = []
        servers = []
        for database in found:
            statements = count_statements(database)
            all_results.append(Results(database, count_people(database), statements))
            server = stack.enter_context(Gunicorn(database, workdir))
            warm_up(database, server, workdir)
            servers.append(server)
        for number in range(1, args.repeat + 1):
            log(f"repetition {number} of {args.repeat}")
            for results, server in zip(all_results, servers, strict=True):
                results.repetitions.append(measure(results.database, server, workdir, args.seconds))
        return all_results


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=100_000, help="people to build")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (min-max, median)")
    parser.add_argument("--seconds", type=int, default=8, help="wrk duration per page")
    parser.add_argument("--skip-postgres", action="store_true", help="measure SQLite only")
    parser.add_argument("--reuse-sqlite", metavar="FILE", help="a SQLite file make_org.py built")
    parser.add_argument("--reuse-pg", metavar="NAME", help="a PostgreSQL database it built")
    parser.add_argument("--keep", action="store_true", help="keep the databases built")
    parser.add_argument("--record", action="store_true", help="append to benchmarks/README.md")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.seconds < 1:
        parser.error("--repeat and --seconds must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 0 when every target is met, 1 otherwise."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == [EXPORT_COMMAND]:
        child_export(argv[1], argv[2], argv[3], Path(argv[4]))
        return 0
    if argv[:1] == [STATEMENTS_COMMAND]:
        child_statements(argv[1])
        return 0
    args = parse_args(argv)
    # A plain `kill` must still stop gunicorn and remove the temporary files.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    code_at_start = code_fingerprint()
    workdir = Path(tempfile.mkdtemp(prefix="postwise-bench-reports-"))
    try:
        all_results = run(args, workdir)
    except BenchmarkError as error:
        log(f"reports_speed.py: {error}")
        return 2
    finally:
        if args.keep and not args.reuse_sqlite:
            log(f"kept {workdir} (--reuse-sqlite {workdir / 'org.sqlite3'})")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    code_changed = code_fingerprint() != code_at_start
    if code_changed:
        log("warning: the app's code changed during the run; repetitions may differ in code")
    missed, aims = outcome(all_results)
    print("\n\n".join(table(results) for results in all_results))
    print("\n" + "\n".join(result_lines(missed, aims)))
    if args.record:
        python = os.path.relpath(sys.executable, ROOT)
        command = shlex.join([python, "benchmarks/reports_speed.py", *argv])
        info = machine_info(not args.skip_postgres, args.repeat, args.seconds, code_changed)
        record(all_results, info, command)
        log(f"recorded in {README}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
