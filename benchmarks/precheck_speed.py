"""The pre-check page, posting a 3,000-character draft, against a lesson page of the same app.

    .venv/bin/python benchmarks/precheck_speed.py [--seconds 10] [--repeat 3] [--record]

Builds the demo organisation in a temporary SQLite file (`lms demo --no-serve`), serves it
with gunicorn on loopback (the workers of reports_speed.py), signs in as the demo employee
and loads, side by side and interleaved, with wrk:

- **lesson**: GET a lesson page (a course lesson with its text, as a learner reads it);
- **pre-check**: POST the pre-check form with a 3,000-character draft that trips several
  rules, CSRF token and all, and the page of findings it answers with.

Target: the pre-check serves at least half the requests per second of the lesson page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from reports_speed import (
    LOOPBACK,
    SESSION_COOKIE,
    WRK_CONNECTIONS,
    WRK_THREADS,
    BenchmarkError,
    Database,
    Gunicorn,
    _session_from,
    check_page,
    code_version,
    csrf_token,
    http_get,
    signed_in_cookie,
    wrk,
)

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "benchmarks" / "README.md"
EMPLOYEE, DEMO_PASSWORD = "zoe.fischer@example.com", "harbour-lantern-orbit-42"
LESSON = "/courses/social-media-essentials/lessons/pitfalls"
PRECHECK = "/practice/precheck"
MIN_SHARE = 0.5
PARAGRAPHS = (
    "Three weeks into the new role and I am still learning something every day. Huge thanks "
    "to Maya and the onboarding crew for making the first month feel easy. ",
    "Honestly, I think Example Co is getting the roadmap right this year, and Beacon is the "
    "best search tool out there: try it at https://example.com/beacon today. ",
    "Our client Globex signed a $2m contract with a 20% discount, still confidential, so keep "
    "it between us until the press team is ready. ",
    "If anyone wants the slides, email me at jamie.lee@example.com or call 07700 900123 "
    "after five. ",
    "We are short-staffed again on the late shift, and it is not safe; let's talk about it "
    "together at the next team meeting. ",
)


def draft() -> str:
    text, index = "", 0
    while len(text) < 3000:
        text += PARAGRAPHS[index % len(PARAGRAPHS)]
        index += 1
    return text[:3000]


def post_script(folder: Path, cookie: str, token: str) -> Path:
    """A wrk script that POSTs the form, as the browser would."""
    body = urlencode({"csrf_token": token, "text": draft(), "check": "y"})
    script = folder / "precheck.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {lua_string(body)}\n"
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        f'wrk.headers["Cookie"] = "{SESSION_COOKIE}={cookie}"\n'
    )
    return script


def lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk_script(port: int, script: Path, seconds: int) -> float:
    url = f"http://{LOOPBACK}:{port}{PRECHECK}"
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s",
               "--timeout", "30s", "-s", str(script), url]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=False).stdout
    if "Non-2xx" in output or "Socket errors" in output or "Requests/sec" not in output:
        raise BenchmarkError(f"wrk POST {PRECHECK} failed:\n{output}")
    return float(output.split("Requests/sec:")[1].split()[0])


def check_post(port: int, cookie: str, token: str) -> None:
    """One POST by hand: it must answer 200 with findings, or the load means nothing."""
    import http.client

    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=60)
    try:
        connection.request(
            "POST",
            PRECHECK,
            body=urlencode({"csrf_token": token, "text": draft(), "check": "y"}),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"{SESSION_COOKIE}={cookie}",
            },
        )
        response = connection.getresponse()
        page = response.read().decode()
    finally:
        connection.close()
    if response.status != 200 or "likely problems" not in page:
        raise BenchmarkError(f"POST {PRECHECK} answered {response.status}:\n{page[:400]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    lesson_rates, precheck_rates = [], []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.sqlite3"
        url = f"sqlite:///{path}"
        env = {**os.environ, "LMS_DATABASE_URL": url}
        subprocess.run([str(Path(sys.executable).with_name("lms")), "demo", "--no-serve"],
                       env=env, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)  # fmt: skip
        with Gunicorn(Database("SQLite", url, sqlite_path=path), Path(folder)) as server:
            for _ in range(args.repeat):
                cookie = signed_in_cookie(server.port, EMPLOYEE, DEMO_PASSWORD)
                check_page(server.port, LESSON, cookie, "Three pitfalls to avoid")
                # The form's page puts the CSRF secret in the session: keep the new cookie.
                _, set_cookies, form_page = http_get(server.port, PRECHECK, cookie)
                cookie, token = _session_from(set_cookies) or cookie, csrf_token(form_page)
                check_post(server.port, cookie, token)
                lesson_rates.append(wrk(server.port, LESSON, cookie, args.seconds))
                precheck_rates.append(
                    wrk_script(server.port, post_script(Path(folder), cookie, token), args.seconds)
                )
    lesson, precheck = statistics.median(lesson_rates), statistics.median(precheck_rates)
    share = precheck / lesson
    met = share >= MIN_SHARE
    lines = [
        "| page | requests/s (median, min to max) |",
        "|---|---|",
        f"| lesson (GET {LESSON}) | {lesson:.0f} ({_spread(lesson_rates)}) |",
        f"| pre-check (POST, 3,000 characters) | {precheck:.0f} ({_spread(precheck_rates)}) |",
        "",
        f"- Pre-check ÷ lesson: **{share:.0%}** (target ≥ {MIN_SHARE:.0%}): "
        + ("met." if met else "missed."),
    ]
    print("\n".join(lines))
    if args.record:
        with README.open("a", encoding="utf-8") as out:
            out.write(
                f"\n## {time.strftime('%Y-%m-%d')}: precheck_speed.py\n\n"
                f"    benchmarks/precheck_speed.py {' '.join(sys.argv[1:])}\n\n"
                f"- Code: {code_version()}; {len(os.sched_getaffinity(0))} CPUs; gunicorn with "
                f"2 sync workers, wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{args.seconds}s, "
                f"{args.repeat} interleaved runs\n\n" + "\n".join(lines) + "\n"
            )
    return 0 if met else 1


def _spread(rates: list[float]) -> str:
    return f"{min(rates):.0f} to {max(rates):.0f}"


if __name__ == "__main__":
    sys.exit(main())
