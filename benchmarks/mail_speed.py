"""How long `lms mail queue` and `lms mail send` take on a large organisation.

    .venv/bin/python benchmarks/mail_speed.py [--reuse-sqlite FILE] [--reuse-pg NAME]
        [--employees 100000] [--skip-postgres] [--send 2000] [--record]

The organisation comes from benchmarks/make_org.py (built afresh unless --reuse-… names one
it built before); every measurement runs on a copy, so the original stays as it was. On
each database:

- **first queue**: `lms mail queue` on an outbox that is empty, as on the day email is
  switched on: every reminder due then is drawn and queued;
- **second queue**: the same command straight after, which must queue (almost) nothing:
  the hourly cost of the schedule;
- **peak MB**: the largest resident memory of either run (interpreter included);
- **send**: `lms mail send` delivering `--send` of the queued messages to an aiosmtpd server
  on loopback (the rest are set aside), as messages per second.

Targets: first queue under 60 s and the second under 15 s at 100,000 people, peak under
200 MB, and sending at least 100 messages a second. The script exits non-zero if one is
missed.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "benchmarks" / "README.md"
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
TARGETS = {"first queue s": 60.0, "second queue s": 15.0, "peak MB": 200.0}
MIN_SEND_RATE = 100.0

# Runs the CLI in a child and reports its own peak memory, without the parent's.
CHILD = """
import resource, sys
from lms.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="lms", standalone_mode=False)
finally:
    print(f"peak_kb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
"""


@dataclass
class Figures:
    database: str
    first_queue_s: float
    queued: str
    second_queue_s: float
    requeued: str
    peak_mb: float
    sent: int
    send_s: float

    @property
    def send_rate(self) -> float:
        return self.sent / self.send_s


class Counting:
    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.received += 1
        return "250 OK"


def lms(url: str, *args: str, env: dict[str, str] | None = None) -> tuple[float, str, float]:
    """Run `lms ARGS` on a database: (seconds, its output, its peak MB)."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", CHILD, *args],
        env={**os.environ, "LMS_DATABASE_URL": url, "LMS_AUTO_UPGRADE": "false", **(env or {})},
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - started
    peak = next(
        int(line.partition("=")[2]) for line in result.stderr.splitlines() if "peak_kb=" in line
    )
    if result.returncode != 0:
        sys.exit(f"lms {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return seconds, result.stdout.strip(), peak / 1024


def sql(url: str, statement: str) -> None:
    if url.startswith("sqlite"):
        subprocess.run(["sqlite3", url.removeprefix("sqlite:///"), statement], check=True)
        return
    with psycopg.connect(url.replace("+psycopg", "")) as connection:
        connection.execute(statement)


def measure(name: str, url: str, send: int) -> Figures:
    print(f"{name}: first queue…", file=sys.stderr)
    first, queued, peak_first = lms(url, "mail", "queue")
    print(f"  {first:.1f} s: {queued}", file=sys.stderr)
    second, requeued, peak_second = lms(url, "mail", "queue")
    print(f"  again in {second:.1f} s: {requeued}", file=sys.stderr)
    # Keep `send` messages queued, spread over the kinds; set the rest aside as sent.
    sql(
        url,
        "UPDATE outbox SET status = 'sent' WHERE id NOT IN "
        f"(SELECT id FROM outbox ORDER BY (id * 7919) % 100003 LIMIT {send})",
    )
    server = Counting()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        env = {"LMS_SMTP_HOST": "127.0.0.1", "LMS_SMTP_PORT": str(port)}
        sending, output, _ = lms(url, "mail", "send", env=env)
    finally:
        controller.stop()
    if server.received != send:
        sys.exit(f"{name}: {server.received} of {send} messages arrived ({output})")
    print(f"  sent {send} in {sending:.1f} s", file=sys.stderr)
    return Figures(
        name, first, queued, second, requeued, max(peak_first, peak_second), send, sending
    )


def copy_sqlite(source: Path, folder: Path) -> str:
    target = folder / "mail.sqlite3"
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"


def copy_pg(source: str, target: str) -> str:
    drop_pg(target)
    with psycopg.connect(PG_ADMIN, autocommit=True) as pg:
        pg.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
    return PG + target


def drop_pg(name: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def build(url: str, employees: int) -> None:
    print(f"building {employees:,} people in {url}…", file=sys.stderr)
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "make_org.py"), "--employees", str(employees),
         "--replace"],
        env={**os.environ, "LMS_DATABASE_URL": url},
        check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


def table(results: list[Figures]) -> str:
    lines = [
        "| database | first queue | second queue | peak MB | send |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.database} | {r.first_queue_s:.1f} s ({r.queued.removeprefix('Reminders: ')}) "
            f"| {r.second_queue_s:.1f} s ({r.requeued.removeprefix('Reminders: ')}) "
            f"| {r.peak_mb:.0f} | {r.sent:,} in {r.send_s:.1f} s = {r.send_rate:.0f}/s |"
        )
    return "\n".join(lines)


def missed(results: list[Figures]) -> list[str]:
    problems = []
    for r in results:
        for label, value in (
            ("first queue s", r.first_queue_s),
            ("second queue s", r.second_queue_s),
            ("peak MB", r.peak_mb),
        ):
            if value > TARGETS[label]:
                problems.append(f"{r.database}: {label} {value:.1f} > {TARGETS[label]:.0f}")
        if r.send_rate < MIN_SEND_RATE:
            problems.append(f"{r.database}: send {r.send_rate:.0f}/s < {MIN_SEND_RATE:.0f}/s")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--reuse-sqlite", type=Path, help="a SQLite file make_org.py built")
    parser.add_argument("--reuse-pg", help="a PostgreSQL database make_org.py built")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--send", type=int, default=2000, help="messages to deliver")
    parser.add_argument("--record", action="store_true", help="append to benchmarks/README.md")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        source = args.reuse_sqlite
        if source is None:
            source = Path(folder) / "org.sqlite3"
            build(f"sqlite:///{source}", args.employees)
        results.append(measure("SQLite", copy_sqlite(source, Path(folder)), args.send))
    if not args.skip_postgres:
        original = args.reuse_pg
        if original is None:
            original = "postwise_bench_mail_org"
            drop_pg(original)
            with psycopg.connect(PG_ADMIN, autocommit=True) as pg:
                pg.execute(f'CREATE DATABASE "{original}"')
            build(PG + original, args.employees)
        copy = copy_pg(original, "postwise_bench_mail")
        try:
            results.append(measure("PostgreSQL", copy, args.send))
        finally:
            drop_pg("postwise_bench_mail")
    report = table(results)
    problems = missed(results)
    print(report)
    print("\n".join(problems) or "All targets met.")
    if args.record:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=False,
        ).stdout.strip()  # fmt: skip
        with README.open("a", encoding="utf-8") as out:
            out.write(
                f"\n## {time.strftime('%Y-%m-%d')}: mail_speed.py, {args.employees:,} people\n\n"
                f"    {' '.join(['benchmarks/mail_speed.py', *sys.argv[1:]])}\n\n"
                f"- Code: commit {commit}; {len(os.sched_getaffinity(0))} CPUs; "
                f"Python {platform.python_version()}\n"
                f"- Load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}\n\n"
                f"{report}\n\n" + ("\n".join(f"- Missed: {p}" for p in problems)
                                   or "- All targets met.") + "\n"
            )  # fmt: skip
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
