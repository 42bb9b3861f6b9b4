"""Run as `python -m tests.security.log_child URL`: drive the app's security events in a
process of its own, where logging is as a deployment finds it (no pytest handlers), so the
parent test reads exactly what would reach a server's log."""

from __future__ import annotations

import sys

from lms import create_app
from tests.helpers import csrf_token, sign_in

LOCKOUT_ATTEMPTS = 5


def main(database_url: str, locked: str, employee: str, hr: str) -> None:
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "log-child-secret-key",
            "AUTO_UPGRADE": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    for _ in range(LOCKOUT_ATTEMPTS):
        sign_in(app.test_client(), locked, "not-the-right-password-at-all")
    person = app.test_client()
    sign_in(person, employee)
    person.get("/people/import")
    person.post("/sign-out", data={"csrf_token": "forged"})
    admin = app.test_client()
    sign_in(admin, hr)
    admin.get("/reports/completions.csv").close()
    admin.post("/sign-out", data={"csrf_token": csrf_token(admin, "/")})


if __name__ == "__main__":
    main(*sys.argv[1:])
