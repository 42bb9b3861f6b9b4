"""Browser tests: a live server on a free loopback port, Debian's chromium driven by Playwright,
and axe-core on every page visited.

Without a browser these tests skip with the reason; with LMS_REQUIRE_BROWSER=1 they fail instead,
so a CI job that must run them cannot pass by skipping.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, Error, Page, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

E2E_DIR = Path(__file__).resolve().parent
BLOCKING_IMPACTS = ("serious", "critical")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 5_000  # a loopback page answers in milliseconds; fail fast when one does not


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e is an `e2e` test, so `-m "not e2e"` leaves them all out."""
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.e2e)


# ---------------------------------------------------------------- the browser


def chromium_executable() -> str | None:
    """LMS_CHROMIUM if set, else Debian's chromium, else whatever `chromium` is on PATH."""
    configured = os.environ.get("LMS_CHROMIUM")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _no_browser(reason: str, details: str = "") -> NoReturn:
    """Skip with the reason, or fail (with any details) when the browser is required."""
    if os.environ.get("LMS_REQUIRE_BROWSER") == "1":
        pytest.fail(
            f"{reason} (LMS_REQUIRE_BROWSER=1, so this is a failure, not a skip)\n{details}".strip()
        )
    pytest.skip(
        f"{reason}; to run the browser tests, install Debian's chromium: apt-get install chromium"
    )


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless chromium for the whole run; each test gets its own context."""
    executable = chromium_executable()
    if executable is None:
        where = os.environ.get("LMS_CHROMIUM") or "/usr/bin/chromium or `chromium` on PATH"
        _no_browser(f"no chromium browser found at {where}")
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
        except Error as error:
            first_line = error.message.splitlines()[0] if error.message else repr(error)
            _no_browser(f"chromium at {executable} would not start: {first_line}", error.message)
        yield launched
        launched.close()


# ---------------------------------------------------------------- the server


class _QuietRequestHandler(WSGIRequestHandler):
    """No access log line per request: the test output stays readable."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


class _ErrorLog(logging.Handler):
    """Collects what the app logs at ERROR or above (an unexpected error is logged, then 500)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(self.format(record))


def _record_server_errors(app: Flask, seen: list[str]) -> Callable[..., Iterable[bytes]]:
    """Wrap the WSGI app so any 5xx response is remembered and fails the test afterwards."""
    inner = app.wsgi_app

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        def recording_start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
            if status.startswith("5"):
                seen.append(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']} -> {status}")
            return start_response(status, headers, exc_info)

        try:
            return inner(environ, recording_start_response)
        except Exception as error:
            seen.append(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']} raised {error!r}")
            raise

    return wsgi


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test's app served on 127.0.0.1 at a free port; yields its base URL."""
    server_errors: list[str] = []
    error_log = _ErrorLog()
    logger = logging.getLogger("lms")
    logger.addHandler(error_log)
    app.wsgi_app = _record_server_errors(app, server_errors)  # type: ignore[method-assign]
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietRequestHandler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server", daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        logger.removeHandler(error_log)
    problems = server_errors + error_log.messages
    if problems:
        pytest.fail("the live server answered with errors:\n" + "\n".join(problems))


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A fresh browser context (no cookies) per test, with relative URLs on the live server."""
    context = browser.new_context(base_url=live_server, color_scheme="light")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    new_page = context.new_page()
    try:
        yield new_page
    finally:
        context.close()


# ---------------------------------------------------------------- accessibility

_axe = Axe()
# Colour is all that changes between the light and dark schemes, so in dark mode only the rules
# about colour run again.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
RUN_ALL = {"resultTypes": ["violations"]}
RUN_COLOUR = {"resultTypes": ["violations"], "runOnly": {"type": "rule", "values": COLOUR_RULES}}


def run_axe(page: Page, options: dict[str, Any] = RUN_ALL) -> AxeResults:
    """Run axe-core on the page as it is now, injecting it once per document."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe.axe_script)
    return AxeResults(page.evaluate("options => axe.run(document, options)", options))


def serious_violations(page: Page, options: dict[str, Any] = RUN_ALL) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now."""
    violations = run_axe(page, options).response["violations"]
    return [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """One block per violation: rule id, impact, help and every element it found."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{violation.get('helpUrl', '')}]"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}: {node.get('html', '').strip()[:200]}")
            summary = node.get("failureSummary")
            if summary:
                lines.extend(f"      {line}" for line in summary.splitlines())
    return "\n".join(lines)


_CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*"')
_already_accessible: set[str] = set()


def _document_key(page: Page) -> str:
    """The document as rendered, minus its one-time CSRF token: equal keys, equal axe results."""
    return hashlib.sha256(_CSRF_VALUE.sub(r'\1"', page.content()).encode()).hexdigest()


def assert_accessible(page: Page) -> None:
    """Fail listing every serious or critical axe-core violation on the page as it is now.

    Every rule runs in the light colour scheme; the colour rules run again in the dark one.
    A document identical to one that already passed in this run (the sign-in page, say) is
    not checked again.
    """
    key = _document_key(page)
    if key in _already_accessible:
        return
    failures = []
    for scheme, options in (("light", RUN_ALL), ("dark", RUN_COLOUR)):
        page.emulate_media(color_scheme=scheme)
        violations = serious_violations(page, options)
        if violations:
            failures.append(f"{scheme} colour scheme:\n{describe_violations(violations)}")
    page.emulate_media(color_scheme="light")
    assert not failures, f"accessibility violations on {page.url}:\n" + "\n".join(failures)
    _already_accessible.add(key)
