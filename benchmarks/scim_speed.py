"""SCIM provisioning calls against a large organisation: what each call costs the server.

An identity provider's first sync sends one call per person (Entra ID and Okta do not batch),
so a call that walks the whole organisation makes the first sync quadratic. This builds an
organisation with make_org.py, then times the calls a provider makes through the Flask test
client (the server's work, no network), next to one full assignment sync for scale.

    .venv/bin/python benchmarks/scim_speed.py [--employees N] [--calls N] [--postgres] [--record]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_DB = "postwise_bench_scim"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def build(url: str, employees: int) -> None:
    env = {**os.environ, "LMS_DATABASE_URL": url}
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "make_org.py"), "--employees", str(employees)],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def measure(url: str, calls: int) -> dict[str, list[float]]:
    """Seconds per call, by kind of call."""
    from lms import create_app
    from lms.assignments.services import sync_assignments
    from lms.dbsession import database
    from lms.people.models import Employee
    from lms.scim.tokens import create_token

    app = create_app({"DATABASE_URL": url})
    with app.app_context(), database().sessions() as session:
        secret = create_token(session, "benchmark", actor_id=None).secret
        people = list(
            session.execute(
                select(Employee.id, Employee.email)
                .where(Employee.is_active, Employee.manager_id.is_not(None))
                .order_by(Employee.id)
                .limit(calls * 2)
            )
        )
        session.commit()
        start = time.perf_counter()
        sync_assignments(session)
        full_sync = time.perf_counter() - start
        session.rollback()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    times: dict[str, list[float]] = {"full assignment sync (for scale)": [full_sync]}

    def timed(kind: str, call: Callable[[], object]) -> None:
        start = time.perf_counter()
        response = call()
        times.setdefault(kind, []).append(time.perf_counter() - start)
        assert response.status_code in (200, 201, 204), (kind, response.get_json())

    for n, (person_id, email) in enumerate(people[:calls]):
        new_manager = people[calls + n][0]
        timed(
            "GET filter userName eq",
            lambda email=email: client.get(
                f'/scim/v2/Users?filter=userName eq "{email}"', headers=headers
            ),
        )
        timed(
            "PATCH title",
            lambda person_id=person_id, n=n: client.patch(
                f"/scim/v2/Users/{person_id}",
                headers=headers,
                json=_patch("title", f"Title {n}"),
            ),
        )
        timed(
            "PATCH manager (a move)",
            lambda person_id=person_id, manager=new_manager: client.patch(
                f"/scim/v2/Users/{person_id}",
                headers=headers,
                json=_patch(f"{ENTERPRISE}:manager", str(manager)),
            ),
        )
        timed(
            "POST a new person",
            lambda n=n: client.post("/scim/v2/Users", headers=headers, json=_new_user(n)),
        )
    return times


def _patch(path: str, value: str) -> dict:
    return {"schemas": [PATCH], "Operations": [{"op": "replace", "path": path, "value": value}]}


def _new_user(n: int) -> dict:
    return {
        "schemas": [USER, ENTERPRISE],
        "userName": f"scim-bench-{n}@bench.example.com",
        "externalId": f"SCIM-BENCH-{n}",
        "name": {"givenName": "Bench", "familyName": f"Person {n}"},
        "emails": [{"value": f"scim-bench-{n}@bench.example.com", "primary": True}],
        ENTERPRISE: {"department": "Engineering"},
    }


def table(results: dict[str, dict[str, list[float]]]) -> str:
    lines = [
        "| database | call | calls | median ms | p95 ms | max ms |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for database, times in results.items():
        for kind, seconds in times.items():
            ordered = sorted(seconds)
            p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
            lines.append(
                f"| {database} | {kind} | {len(seconds)} | {statistics.median(seconds) * 1000:,.0f}"
                f" | {p95 * 1000:,.0f} | {max(seconds) * 1000:,.0f} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=20_000, help="people in the org")
    parser.add_argument("--calls", type=int, default=50, help="calls of each kind")
    parser.add_argument("--postgres", action="store_true", help="also measure PostgreSQL")
    parser.add_argument("--record", action="store_true", help="append to benchmarks/README.md")
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory() as workdir:
        url = f"sqlite:///{workdir}/org.sqlite3"
        build(url, args.employees)
        results["SQLite"] = measure(url, args.calls)
    if args.postgres:
        import psycopg

        with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            c.execute(f"CREATE DATABASE {PG_DB}")
        try:
            url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_DB}"
            build(url, args.employees)
            results["PostgreSQL"] = measure(url, args.calls)
        finally:
            with psycopg.connect(
                "host=127.0.0.1 user=postgres dbname=postgres", autocommit=True
            ) as c:
                c.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    report = table(results)
    print(report)
    if args.record:
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        day = datetime.now(UTC).date().isoformat()
        with (ROOT / "benchmarks" / "README.md").open("a") as readme:
            readme.write(
                f"\n## {day}: scim_speed.py, {args.employees:,} people\n\n"
                f"Load average at the end: {load}.\n\n{report}\n"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
