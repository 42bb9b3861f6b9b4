"""Load: 200 simulated employees signing in, reading lessons and taking quizzes, on PostgreSQL.

    .venv/bin/python benchmarks/load_speed.py [--record] [--users 200] [--seconds 60]

Needs locust (`.venv/bin/pip install -e '.[load]'`). Builds a fresh PostgreSQL database
(migrated; the shipped courses published; the employees enrolled in the flagship course,
each with a known password), serves it with gunicorn on loopback and runs locust headless
twice against the same server with the same number of users and think time: first the
employees of load_users.py (sign in with the form's CSRF token, then read lessons, answer
their knowledge checks, mark them done and take the final quiz), then users that only ask
/healthz, so each figure can be read as a share of the bare request cycle on this machine.

Exits 1 if any request failed (an unexpected status, a page without its text, no answer),
if gunicorn logged an error, or if the database holds less work than the employees were
told was recorded; 2 if the run could not be made. The database is dropped afterwards.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from reports_speed import (
    LOOPBACK,
    PASSWORD,
    PG_SERVER,
    BenchmarkError,
    Database,
    Gunicorn,
    check_page,
    code_version,
    http_get,
    log,
    psql,
    signed_in_cookie,
)

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "benchmarks" / "README.md"
LOCUSTFILE = ROOT / "benchmarks" / "load_users.py"
LOAD_AT_START = os.getloadavg()

PG_DB = "lms_load_bench"
COURSE = "social-media-essentials"
PACKS = (COURSE, "social-media-guideline")  # the flagship asks for the guideline
EMAIL = "load{n}@bench.example.com"
CORES = len(os.sched_getaffinity(0))
THINK = (0.1, 0.5)  # seconds between two steps of one user, drawn uniformly
LESSON_PAGE, HEALTHZ, ALL = "lesson page", "/healthz", "Aggregated"
ORDER = (  # load_users.py's request names, in the order a person meets them
    "sign-in page", "sign in", LESSON_PAGE, "knowledge check", "mark lesson done",
    "mark lesson done, clicked twice", "quiz page", "start attempt", "attempt page",
    "submit answers", "submit answers, clicked twice", "attempt result", HEALTHZ, ALL,
)  # fmt: skip
# Lines of gunicorn's log that mean the server, not the client, went wrong.
SERVER_TROUBLE = ("Traceback", "ERROR", "CRITICAL", "WORKER TIMEOUT")
# The last line of a traceback: the exception and its message.
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception|Violation|Exit)\b.*$")

README_SECTION = """
## load_speed.py: 200 employees at once, on PostgreSQL

    .venv/bin/pip install -e '.[load]'    # locust, once
    .venv/bin/python benchmarks/load_speed.py --record

Not part of CI (it takes about three minutes and both cores). It builds a fresh PostgreSQL
database `lms_load_bench` (migrated, the shipped courses published, 200 employees enrolled
in the flagship course, all with one known password hashed once), serves it with gunicorn
(twice the cores plus one sync workers, gunicorn's advice) on loopback and runs locust
headless twice against that server, each for 60 seconds with 200 users spawned 20 a second
and a think time of 0.1 to 0.5 s between steps. Between the two it waits until the server has
worked off the requests still queued when the first phase stopped (locust stops its users,
not what they already sent), so neither phase is charged with the other's work:

1. **employees** (`benchmarks/load_users.py`, `Employee`): each signs in as a browser does
   (GET the form, POST it with its CSRF token, keep the session cookie), then, three times
   in four, reads the next lesson of the course, answers its knowledge check with random
   choices and marks it done (once per lesson); one time in four it opens the final quiz
   and, while attempts are left (the course allows 3), starts one, answers the questions
   drawn for it at random, submits and reads the result. Each employee's first "Mark as
   done" and first quiz submission are double clicks: the same POST twice at once, both of
   which must be answered as if it had been sent once;
2. **baseline** (`HealthCheck`): the same 200 users and think time, each asking `/healthz`
   (one `SELECT 1`), the trivial endpoint the employees' figures are read against.

Every answer is checked, its status (redirects are not followed, so each counts on its
own) and a text the page must show; anything else is a failure, and one failure fails the
run. So do an error in gunicorn's log and a database holding fewer submitted attempts or
lessons done than the employees were told were recorded. The database is dropped at the end.

The load generator and the server share the machine's cores, so locust's own work comes off
the server's: the throughput is what this machine serves while also generating the load,
and the share of `/healthz` is the figure that carries over. With this little think time
the server is saturated in both phases, so a latency is mostly time spent queueing for a
worker. Sign-in is rate-limited by address in production (30 a minute); the benchmark
raises the limit because all its users come from 127.0.0.1.

Options: `--users N`, `--seconds S`, `--spawn-rate R`, `--workers W`, `--keep-logs` (keep
locust's CSV files and gunicorn's log, printed at the end).
"""


# ---------------------------------------------------------------- the database


@dataclass(frozen=True)
class Flagship:
    """What the employees need to know of the course they take."""

    lessons: list[str]  # slugs, in course order
    max_attempts: int | None  # None: unlimited


def build(url: str, users: int) -> Flagship:
    """Migrate, publish the shipped courses, enrol `users` employees in the flagship."""
    from lms import PROJECT_ROOT, clock, migrations
    from lms.courses.author_notes import without_author_notes
    from lms.courses.packs import read_pack
    from lms.courses.services import import_pack
    from lms.db import make_engine, make_session_factory
    from lms.learning.services import assign
    from lms.people.models import Employee
    from lms.people.passwords import hash_password

    engine = make_engine(url)
    try:
        migrations.upgrade(engine)
        password_hash = hash_password(PASSWORD)  # once: argon2 is slow on purpose
        with make_session_factory(engine)() as session:
            versions = {
                slug: import_pack(
                    session,
                    without_author_notes(read_pack(PROJECT_ROOT / "courses" / slug)),
                    publish=True,
                )
                for slug in PACKS
            }
            people = [
                Employee(
                    hris_id=f"LOAD{n:04d}",
                    email=EMAIL.format(n=n),
                    first_name="Load",
                    last_name=f"Tester {n}",
                    department="Marketing",
                    password_hash=password_hash,
                )
                for n in range(1, users + 1)
            ]
            session.add_all(people)
            session.flush()
            flagship = versions[COURSE].version
            due = clock.now() + timedelta(days=14)
            for person in people:
                assign(session, person.id, flagship.course_id, due)
            course = Flagship([lesson.slug for lesson in flagship.lessons], flagship.max_attempts)
            session.commit()
    finally:
        engine.dispose()
    return course


@dataclass(frozen=True)
class Recorded:
    """What the database holds after the employees' phase."""

    attempts: int
    submitted: int
    lessons_done: int
    most_attempts: int  # by one person

    @classmethod
    def read(cls) -> Recorded:
        row = psql(
            PG_DB,
            "SELECT (SELECT count(*) FROM quiz_attempts),"
            " (SELECT count(*) FROM quiz_attempts WHERE submitted_at IS NOT NULL),"
            " (SELECT count(*) FROM lesson_progress),"
            " (SELECT coalesce(max(n), 0) FROM"
            "  (SELECT count(*) AS n FROM quiz_attempts GROUP BY enrollment_id) AS per_person)",
        )
        attempts, submitted, done, most = (int(value) for value in row.split("|"))
        return cls(attempts, submitted, done, most)


# ---------------------------------------------------------------- locust


@dataclass(frozen=True)
class Row:
    """One line of locust's statistics: a kind of request, or all of them."""

    name: str
    requests: int
    failures: int
    per_second: float
    p50: float
    p95: float
    p99: float


@dataclass
class Phase:
    """One locust run: its statistics by request name, and what went wrong."""

    label: str
    rows: dict[str, Row]
    failures: list[str] = field(default_factory=list)  # "N times METHOD name: error"
    cpu_warning: bool = False  # locust said its own CPU use was above 90%
    listen_drops: int = 0  # connections refused by a full listen queue during the run

    @property
    def total(self) -> Row:
        return self.rows[ALL]

    def count(self, name: str) -> int:
        """Successful requests of one kind (0 if none was made)."""
        row = self.rows.get(name)
        return row.requests - row.failures if row else 0


def run_locust(
    user_class: str, port: int, args: argparse.Namespace, lessons: list[str], workdir: Path
) -> Phase:
    """One headless locust run of `user_class` against the server, read from its CSV files."""
    prefix = workdir / user_class
    locust = Path(sys.executable).with_name("locust")
    command = [
        str(locust), "-f", str(LOCUSTFILE), "--headless", "--only-summary",
        "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
        "--run-time", f"{args.seconds}s", "--host", f"http://{LOOPBACK}:{port}",
        "--csv", str(prefix), "--loglevel", "WARNING", user_class,
    ]  # fmt: skip
    env = {
        **os.environ,
        "LOAD_EMAIL": EMAIL,
        "LOAD_PASSWORD": PASSWORD,
        "LOAD_COURSE": COURSE,
        "LOAD_LESSONS": ",".join(lessons),
        "LOAD_THINK": ",".join(map(str, THINK)),
        "PYTHONPATH": str(LOCUSTFILE.parent),  # load_users.py imports reports_speed
    }
    log(f"locust: {args.users} users of {user_class} for {args.seconds} s")
    drops_before = listen_drops()
    output = workdir / f"{user_class}.log"
    with output.open("w") as out:
        result = subprocess.run(
            command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            timeout=args.seconds + 120, check=False,
        )  # fmt: skip
    text = output.read_text()
    stats_path = Path(f"{prefix}_stats.csv")
    if not stats_path.exists():
        raise BenchmarkError(f"locust {user_class} exited {result.returncode}:\n{text[-3000:]}")
    phase = Phase(user_class, read_stats(stats_path), cpu_warning="CPU usage above" in text)
    phase.listen_drops = listen_drops() - drops_before
    phase.failures = read_problems(Path(f"{prefix}_failures.csv"), Path(f"{prefix}_exceptions.csv"))
    if result.returncode not in (0, 1):  # 1: some request failed, which the figures show
        phase.failures.append(f"locust exited {result.returncode}:\n{text[-3000:]}")
    return phase


def read_stats(path: Path) -> dict[str, Row]:
    """Locust's `_stats.csv`: request name → counts, requests/s and percentiles (ms)."""
    rows = {}
    with path.open(newline="") as data:
        for line in csv.DictReader(data):
            rows[line["Name"]] = Row(
                name=line["Name"],
                requests=int(line["Request Count"]),
                failures=int(line["Failure Count"]),
                per_second=float(line["Requests/s"]),
                p50=_ms(line["50%"]),
                p95=_ms(line["95%"]),
                p99=_ms(line["99%"]),
            )
    return rows


def _ms(value: str) -> float:
    return float(value) if value not in ("", "N/A") else float("nan")


def read_problems(failures: Path, exceptions: Path) -> list[str]:
    """Every distinct failure locust saw, with its count, and any error in the user code."""
    problems = []
    if failures.exists():
        with failures.open(newline="") as data:
            problems += [
                f"{line['Occurrences']} times {line['Method']} {line['Name']}: {line['Error']}"
                for line in csv.DictReader(data)
            ]
    if exceptions.exists():
        with exceptions.open(newline="") as data:
            problems += [
                f"{line['Count']} times, load_users.py failed: {line['Message']}"
                f"\n{line['Traceback']}"
                for line in csv.DictReader(data)
            ]
    return problems


# ---------------------------------------------------------------- checks


def accept_queue(port: int) -> int:
    """Connections waiting for a gunicorn worker to accept them (Linux: a listening socket's
    receive queue in /proc/net/tcp is its accept queue)."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, state, queues = fields[1], fields[3], fields[4]
        if state == "0A" and int(local.split(":")[1], 16) == port:  # 0A: LISTEN
            return int(queues.split(":")[1], 16)
    raise BenchmarkError(f"no socket listens on port {port}")


def wait_until_idle(port: int, timeout: float = 120.0) -> float:
    """Wait until the server has worked off what the last phase left queued (locust stops its
    users, not the requests already sent); the seconds it took. The next phase then measures
    only its own requests."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if accept_queue(port) == 0 and http_get(port, "/healthz", "")[0] == 200:
            return time.monotonic() - start
        time.sleep(0.2)
    raise BenchmarkError(f"the server was still busy {timeout:.0f} s after the phase ended")


def listen_drops() -> int:
    """Connections the kernel refused because a listen queue was full, machine-wide (Linux):
    each costs its client a retry a second or more later, which shows in the latencies."""
    lines = Path("/proc/net/netstat").read_text().splitlines()
    for names, values in zip(lines[::2], lines[1::2], strict=True):
        if names.startswith("TcpExt:"):
            return int(dict(zip(names.split(), values.split(), strict=True))["ListenDrops"])
    return 0


def server_trouble(log_path: Path) -> tuple[list[str], str]:
    """What gunicorn's log reports as errors: each distinct exception with its count, and
    the log from the first problem on (80 lines), to read the first traceback in full."""
    lines = log_path.read_text(errors="replace").splitlines()
    first = next(
        (i for i, line in enumerate(lines) if any(t in line for t in SERVER_TROUBLE)), None
    )
    if first is None:
        return [], ""
    exceptions = Counter(line for line in lines[first:] if EXCEPTION_LINE.match(line))
    found = [f"{count} times in gunicorn's log: {line}" for line, count in exceptions.items()]
    return found or ["gunicorn logged an error"], "\n".join(lines[first : first + 80])


def missing_work(employees: Phase, recorded: Recorded, max_attempts: int | None) -> list[str]:
    """What the employees were told was recorded but the database does not hold.

    The database may hold a little more: a request in flight when locust stops is not counted.
    """
    problems = []
    submitted = (
        employees.count("submit answers") + employees.count("submit answers, clicked twice") // 2
    )
    done = (
        employees.count("mark lesson done")
        + employees.count("mark lesson done, clicked twice") // 2
    )
    if recorded.submitted < submitted:
        problems.append(f"{submitted} quiz submissions answered, {recorded.submitted} recorded")
    if recorded.lessons_done < done:
        problems.append(f"{done} lessons marked done, {recorded.lessons_done} recorded")
    if max_attempts is not None and recorded.most_attempts > max_attempts:
        problems.append(
            f"someone has {recorded.most_attempts} attempts; the course allows {max_attempts}"
        )
    return problems


# ---------------------------------------------------------------- figures


def table(employees: Phase, health: Phase) -> str:
    """Both phases, one line per kind of request, in the order a person meets them."""
    lines = [
        "| phase, request | requests | failed | requests/s | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for phase, title in ((employees, "employees"), (health, "baseline")):
        for row in sorted(phase.rows.values(), key=_place):
            name = f"**{title}, all requests**" if row.name == ALL else f"{title}: {row.name}"
            lines.append(
                f"| {name} | {row.requests:,} | {row.failures:,} | {row.per_second:,.1f} "
                f"| {row.p50:,.0f} | {row.p95:,.0f} | {row.p99:,.0f} |"
            )
    return "\n".join(lines)


def _place(row: Row) -> int:
    return ORDER.index(row.name) if row.name in ORDER else ORDER.index(ALL) - 1


def ratios(employees: Phase, health: Phase) -> list[str]:
    """The employees' figures as shares of /healthz on the same server."""
    base, total = health.rows[HEALTHZ], employees.total
    lesson = employees.rows[LESSON_PAGE]
    return [
        "- Throughput, all employee requests ÷ /healthz: "
        f"**{total.per_second / base.per_second:.0%}** "
        f"({total.per_second:,.1f} ÷ {base.per_second:,.1f} requests/s)",
        f"- Throughput, lesson pages alone ÷ /healthz: {lesson.per_second / base.per_second:.0%}"
        f" (lesson pages are {lesson.requests / total.requests:.0%} of the employees' requests)",
        "- Latency, all employee requests ÷ /healthz: "
        + ", ".join(
            f"{label} {getattr(total, label) / getattr(base, label):.1f}x"
            for label in ("p50", "p95", "p99")
        ),
        "- Latency, lesson pages ÷ /healthz: "
        + ", ".join(
            f"{label} {getattr(lesson, label) / getattr(base, label):.1f}x"
            for label in ("p50", "p95", "p99")
        ),
    ]


def work_done(recorded: Recorded, employees: Phase) -> str:
    return (
        f"- Recorded in the database: {recorded.lessons_done:,} lessons done, "
        f"{recorded.attempts:,} quiz attempts started, {recorded.submitted:,} submitted; "
        f"{employees.count('knowledge check'):,} knowledge checks answered (never recorded)"
    )


def record(section: str) -> None:
    """Append the description (first time only) and this run's dated section to the README."""
    text = README.read_text(encoding="utf-8")
    prefix = README_SECTION if "## load_speed.py:" not in text else ""
    with README.open("a", encoding="utf-8") as out:
        out.write(prefix + section)


def _version(tool: str) -> str:
    """The first version number `tool --version` prints."""
    command = [str(Path(sys.executable).with_name(tool)), "--version"]
    output = subprocess.run(command, capture_output=True, text=True, check=False).stdout
    found = re.search(r"\d+(?:\.\d+)+", output)
    return found.group(0) if found else "unknown"


def machine(args: argparse.Namespace, phases: list[Phase]) -> str:
    """What the figures were measured on, and how."""
    busy = [phase.label for phase in phases if phase.cpu_warning]
    facts = {
        "Code": code_version(),
        "Machine": f"{CORES} cores (nproc), shared by the load generator and the server; "
        f"{platform.platform()}",
        "Load average (1, 5, 15 min) at start": ", ".join(f"{x:.2f}" for x in LOAD_AT_START),
        "PostgreSQL": psql("postgres", "SHOW server_version").split()[0],
        "Server": f"gunicorn {_version('gunicorn')}, {args.workers} sync workers",
        "Load generator": f"locust {_version('locust')} (FastHttpUser), "
        f"{args.users} users spawned {args.spawn_rate:g}/s, {args.seconds} s per phase, "
        f"think time {THINK[0]:g}-{THINK[1]:g} s"
        + (f"; locust warned its CPU use was above 90% in: {', '.join(busy)}" if busy else ""),
        "Connections refused by a full listen queue (machine-wide)": ", ".join(
            f"{phase.label} {phase.listen_drops}" for phase in phases
        ),
    }
    return "\n".join(f"- {name}: {value}" for name, value in facts.items())


# ---------------------------------------------------------------- main


def run(args: argparse.Namespace, workdir: Path) -> tuple[Phase, Phase, Recorded, list[str]]:
    """Build, serve, load twice; the phases, what was recorded, and every problem found."""
    url = f"{PG_SERVER}/{PG_DB}"
    psql("postgres", f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
    psql("postgres", f'CREATE DATABASE "{PG_DB}"')
    try:
        log(f"building {PG_DB}: {args.users} employees enrolled in {COURSE}")
        course = build(url, args.users)
        lessons = course.lessons
        database = Database("PostgreSQL", url, pg_name=PG_DB)
        with Gunicorn(database, workdir, workers=args.workers) as server:
            # One employee by hand first: a broken sign-in should say so once, not 200 times.
            cookie = signed_in_cookie(server.port, EMAIL.format(n=1))
            check_page(server.port, f"/courses/{COURSE}/lessons/{lessons[0]}", cookie, "<h1")
            employees = run_locust("Employee", server.port, args, lessons, workdir)
            drained = wait_until_idle(server.port)
            log(f"the server worked off the employees' queue in {drained:.1f} s")
            recorded = Recorded.read()
            health = run_locust("HealthCheck", server.port, args, lessons, workdir)
            server.stop()
            problems = [
                *employees.failures,
                *health.failures,
                *missing_work(employees, recorded, course.max_attempts),
            ]
            trouble, excerpt = server_trouble(server.log_path)
            problems += trouble
            if excerpt:
                log(f"gunicorn's log from its first error on:\n{excerpt}")
    finally:
        psql("postgres", f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
    return employees, health, recorded, problems


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200, help="simulated users per phase")
    parser.add_argument("--seconds", type=int, default=60, help="duration of each phase")
    parser.add_argument("--spawn-rate", type=float, default=20, help="users started a second")
    parser.add_argument("--workers", type=int, default=2 * CORES + 1, help="gunicorn workers")
    parser.add_argument("--keep-logs", action="store_true", help="keep locust's and gunicorn's")
    parser.add_argument("--record", action="store_true", help="append to benchmarks/README.md")
    args = parser.parse_args(argv)
    if min(args.users, args.seconds, args.spawn_rate, args.workers) <= 0:
        parser.error("--users, --seconds, --spawn-rate and --workers must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run both phases; 0 with no failure at all, 1 with any, 2 if the run could not be made."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if not Path(sys.executable).with_name("locust").exists():
        log("load_speed.py needs locust: .venv/bin/pip install -e '.[load]'")
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still stop gunicorn, drop the db
    workdir = Path(tempfile.mkdtemp(prefix="postwise-bench-load-"))
    try:
        employees, health, recorded, problems = run(args, workdir)
    except (BenchmarkError, subprocess.TimeoutExpired) as error:
        log(f"load_speed.py: {error}")
        return 2
    finally:
        if args.keep_logs:
            log(f"kept locust's and gunicorn's files in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    result = (
        "Result: no request failed, gunicorn logged no error, and the database holds every "
        "recorded step."
        if not problems
        else "Result: **failed**:\n\n" + "\n".join(f"- {p}" for p in problems)
    )
    figures = "\n".join(
        [table(employees, health), "", *ratios(employees, health), work_done(recorded, employees)]
    )
    print(f"{figures}\n\n{result}")
    if args.record:
        command = shlex.join([os.path.relpath(sys.executable, ROOT), "benchmarks/load_speed.py",
                              *argv])  # fmt: skip
        record(
            f"\n## {time.strftime('%Y-%m-%d')}: load_speed.py, {args.users} employees\n\n"
            f"    {command}\n\n{machine(args, [employees, health])}\n\n{figures}\n\n{result}\n"
        )
        log(f"recorded in {README}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
