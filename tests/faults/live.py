"""Plumbing for the fault tests: the real `lms` command and gunicorn as child processes, a
browser made of urllib, and waiting on a condition with a deadline instead of sleeping."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TypeVar

import gunicorn.config

from lms import PROJECT_ROOT
from tests.helpers import PASSWORD

LMS = Path(sys.executable).with_name("lms")  # the console script of this virtualenv
SECRET_KEY = "fault-tests-secret-key-0123456789abcdef"
REQUEST_TIMEOUT = 30.0  # one request on a loaded machine (SQLite waits up to 30 s for a lock)
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# Says in the server log when each worker has loaded the app and can answer.
_GUNICORN_HOOKS = """\
def post_worker_init(worker):
    worker.log.info("postwise worker %s ready", worker.pid)
"""
T = TypeVar("T")


def wait_for(condition: Callable[[], T], what: str, timeout: float = 20.0) -> T:
    """Poll until `condition` returns something true and return it; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(0.005)
    return result


def csrf_in(page: str) -> str:
    """The CSRF token of the (first) form in a page."""
    match = _CSRF.search(page)
    assert match, "no CSRF token in the page"
    return match.group(1)


def child_env(database_url: str, **settings: str) -> dict[str, str]:
    """This environment without LMS_* of its own, plus the app's settings for a child process.

    lms/config.py reads LMS_* as JSON where it can: "false" becomes False, a URL stays text.
    """
    env = {name: value for name, value in os.environ.items() if not name.startswith("LMS_")}
    env.update(
        LMS_DATABASE_URL=database_url,
        LMS_SECRET_KEY=SECRET_KEY,
        LMS_AUTO_UPGRADE="false",
        PYTHONUNBUFFERED="1",
    )
    env.update({f"LMS_{name}": value for name, value in settings.items()})
    return env


def start_lms(args: Sequence[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    """`lms ARGS…` as a real process that the test will kill (its output is not kept)."""
    return subprocess.Popen(
        [str(LMS), *args],
        cwd=PROJECT_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def run_lms(args: Sequence[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`lms ARGS…` to the end, with its output as text."""
    return subprocess.run(
        [str(LMS), *args],
        cwd=PROJECT_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def stop(process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """End a child gracefully (SIGTERM), then for good if it does not go."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _no_control_socket() -> list[str]:
    """gunicorn 27 opens a control socket at one path per user, which two servers at once
    fight over; older versions have none (and no such option)."""
    settings = gunicorn.config.Config().settings
    return ["--no-control-socket"] if "control_socket_disable" in settings else []


class Gunicorn:
    """gunicorn serving the app with sync workers on a free loopback port, logging to a file."""

    def __init__(self, database_url: str, folder: Path, workers: int) -> None:
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        self.workers = workers
        self.log_path = folder / "gunicorn.log"
        hooks = folder / "gunicorn_hooks.py"
        hooks.write_text(_GUNICORN_HOOKS)
        command = [
            *(sys.executable, "-m", "gunicorn", "--config", str(hooks)),
            *("--workers", str(workers), "--bind", f"127.0.0.1:{port}"),
            *("--timeout", "60", "--graceful-timeout", "5", "--access-logfile", "-"),
            "--preload",  # the app is loaded once and forked: workers are ready at once
            *_no_control_socket(),
            "lms:create_app()",
        ]
        env = child_env(database_url, RATELIMIT_ENABLED="false", BASE_URL=self.base_url)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_until_ready(self) -> None:
        """Until every worker has loaded the app (so the first requests do not wait on it)."""

        def ready() -> bool:
            assert self.process.poll() is None, f"gunicorn exited:\n{self.log()}"
            return self.log().count("postwise worker") >= self.workers

        wait_for(ready, "gunicorn's workers")

    def stop(self) -> None:
        stop(self.process)


@dataclass(frozen=True)
class Reply:
    method: str
    path: str
    status: int
    location: str
    body: str


class _KeepEveryReply(urllib.request.HTTPErrorProcessor):
    """Hand back redirects and errors as they are: no following, no raising."""

    def http_response(self, request: urllib.request.Request, response: IO[bytes]) -> IO[bytes]:
        return response

    https_response = http_response


class Browser:
    """One person's browser against a live server: a cookie jar, forms posted with CSRF."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _KeepEveryReply()
        )
        self.token = ""

    def request(self, method: str, path: str, fields: dict[str, str] | None = None) -> Reply:
        data = None
        if fields is not None:
            data = urllib.parse.urlencode({"csrf_token": self.token, **fields}).encode()
        url = self.base_url + path  # always http://127.0.0.1:<port>/...
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310
        with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
            return Reply(
                method,
                path,
                response.status,
                response.headers.get("Location", ""),
                response.read().decode("utf-8", errors="replace"),
            )

    def post(self, path: str, fields: dict[str, str] | None = None) -> Reply:
        return self.request("POST", path, fields or {})

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        """Sign in, then keep the session's CSRF token for every form that follows."""
        self.token = self._token("/sign-in")
        reply = self.post("/sign-in", {"email": email, "password": password})
        assert reply.status == 302, (reply.status, reply.body[:500])
        self.token = self._token("/")

    def _token(self, path: str) -> str:
        page = self.request("GET", path)
        assert page.status == 200, (path, page.status)
        return csrf_in(page.body)
