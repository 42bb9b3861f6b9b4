"""Security events reach the log with time, user and route, as a server writes them."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from lms import PROJECT_ROOT
from tests.helpers import PASSWORD

TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"


def test_security_events_are_logged_with_time_user_and_route(database_url, org):
    locked, employee, hr = org["staff"], org["staff2"], org["hr"]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.security.log_child",
            database_url,
            locked.email,
            employee.email,
            hr.email,
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "LMS_ENV": "development"},
    )
    assert result.returncode == 0, result.stderr
    log = result.stderr
    expected = [
        rf"{TIME} WARNING lms\.security user=anonymous route='POST /sign-in': "
        rf"sign-in failed: wrong password for account {locked.id}$",
        rf"{TIME} WARNING lms\.security user=anonymous route='POST /sign-in': "
        rf"sign-in delayed: too many wrong passwords for account {locked.id} from browsers "
        rf"it has not signed in from; waits until {TIME[:-1]}",
        rf"{TIME} WARNING lms\.security user={employee.id} route='GET /people/import': "
        rf"access denied: user {employee.id} lacks role",
        rf"{TIME} WARNING lms\.security user={employee.id} route='POST /sign-out': "
        rf"CSRF check failed",
        rf"{TIME} INFO lms\.security user={hr.id} route='GET /reports/completions\.csv': "
        rf"export: completion report as CSV",
    ]
    missing = [line for line in expected if not re.search(line, log, re.MULTILINE)]
    assert missing == [], log
    assert PASSWORD not in log and "not-the-right-password" not in log
    assert "postwise_session" not in log and "csrf_token" not in log
