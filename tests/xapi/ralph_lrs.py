"""A real Learning Record Store (Ralph, `ralph-malph[cli,lrs]` from PyPI) on loopback.

Ralph's filesystem backend stores statements in one JSON-lines file, and in 5.1.0 it
writes that file in "create" mode, so the second PUT fails ("already exists and overwrite
is not allowed"). This module, run as a script, serves Ralph's own app (`ralph.api:app`,
what `ralph runserver -b fs` serves) with that backend appending instead: the HTTP API,
authentication, validation and de-duplication are Ralph's own, untouched.

Without Ralph installed the tests skip, unless LMS_REQUIRE_LRS=1 (CI) makes that a failure.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

USERNAME = "postwise"
PASSWORD = "lrs-password-for-tests"
VERSION_HEADER = {"X-Experience-API-Version": "1.0.3"}
START_SECONDS = 60


def skip_or_fail(reason: str) -> None:
    if os.environ.get("LMS_REQUIRE_LRS") == "1":
        pytest.fail(f"LMS_REQUIRE_LRS=1 but {reason}")
    pytest.skip(reason)


@dataclass
class RalphLrs:
    """One Ralph server with its own folder (credentials and statements) and port."""

    folder: Path
    port: int = field(default_factory=lambda: _free_port())
    _process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    @property
    def log(self) -> Path:
        return self.folder / "ralph.log"

    def app_settings(self, **overrides: Any) -> dict[str, Any]:
        return {
            "XAPI_ENDPOINT": self.endpoint,
            "XAPI_USERNAME": USERNAME,
            "XAPI_PASSWORD": PASSWORD,
            **overrides,
        }

    def up(self) -> None:
        if importlib.util.find_spec("ralph") is None or importlib.util.find_spec("bcrypt") is None:
            skip_or_fail("Ralph (ralph-malph[cli,lrs]) is not installed, so no LRS can run")
        import bcrypt  # Ralph's own dependency, for its credentials file

        (self.folder / "statements").mkdir(parents=True, exist_ok=True)
        digest = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
        agent = {"account": {"homePage": "http://postwise.test", "name": USERNAME}}
        credentials = [{"username": USERNAME, "hash": digest, "scopes": ["all"], "agent": agent}]
        (self.folder / "auth.json").write_text(json.dumps(credentials))
        env = {
            **os.environ,
            "RALPH_APP_DIR": str(self.folder),
            "RALPH_AUTH_FILE": str(self.folder / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.folder / "statements"),
        }
        with self.log.open("ab") as log:
            self._process = subprocess.Popen(
                [sys.executable, __file__, str(self.port)],
                cwd=self.folder,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._process = None
                skip_or_fail(f"Ralph stopped at start: {self.log.read_text()[-2000:]}")
            try:
                if requests.get(self._url("__heartbeat__"), timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.2)
        self.down()
        skip_or_fail(f"Ralph did not answer within {START_SECONDS} s: {self.log.read_text()}")

    def down(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None

    def statement(self, statement_id: str) -> dict[str, Any] | None:
        """The statement the LRS holds under this id, read back through its API."""
        answer = requests.get(
            self._url("xAPI/statements"),
            params={"statementId": statement_id},
            auth=(USERNAME, PASSWORD),
            headers=VERSION_HEADER,
            timeout=10,
        )
        if answer.status_code == 404:
            return None
        answer.raise_for_status()
        body = answer.json()
        if "statements" not in body:  # the specification's single statement
            return body
        found = body["statements"]
        assert len(found) <= 1, f"the LRS returned {len(found)} statements for one id"
        return found[0] if found else None

    def copies(self, statement_id: str) -> int:
        """How many times the LRS's storage holds this statement (its file, line by line)."""
        stored = self.folder / "statements" / "fs_lrs.jsonl"
        if not stored.exists():
            return 0
        lines = stored.read_text().splitlines()
        return sum(1 for line in lines if line.strip() and json.loads(line)["id"] == statement_id)

    def _url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(port: int) -> None:
    """Ralph's LRS app with the filesystem backend appending to its statements file."""
    import uvicorn
    from ralph.backends.data.base import BaseOperationType
    from ralph.backends.lrs.fs import FSLRSBackend

    FSLRSBackend.default_operation_type = BaseOperationType.APPEND
    from ralph.api import app

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
