"""Helpers for driving the app the way a browser does."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

T = TypeVar("T")

PASSWORD = "a-long-test-password-for-everyone"

# What must never reach a log: the test password and secret key, a signed value of any kind
# (session cookie, CSRF token, invite or reset token: itsdangerous' dot-separated base64), a
# link to redeem one, a password hash, or a SCIM bearer token.
SECRETS_IN_LOGS = re.compile(
    "|".join(
        [
            re.escape(PASSWORD),
            "test-secret-key-not-for-production",
            r"[A-Za-z0-9_-]{12,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{20,}",
            r"/invite/[A-Za-z0-9_.-]{20,}",
            r"\$argon2",
            r"pwscim_[A-Za-z0-9_-]{20,}",  # a SCIM bearer token
            r"pwapi_(secret_)?[A-Za-z0-9_-]{20,}",  # an API client secret or access token
        ]
    )
)

_CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_token(client: FlaskClient, path: str = "/sign-in") -> str:
    """The CSRF token a real browser would find in the page's form (an error page has one
    too, in its sign-out form: so the page must have answered 200)."""
    response = client.get(path)
    assert response.status_code == 200, f"{path} answered {response.status_code}"
    html = response.get_data(as_text=True)
    match = _CSRF.search(html)
    assert match, f"no CSRF token in {path}"
    return match.group(1) or match.group(2)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD, next_url: str = "") -> Any:
    """Post the sign-in form the way a browser does."""
    path = "/sign-in" + (f"?next={next_url}" if next_url else "")
    token = csrf_token(client, "/sign-in")
    return client.post(path, data={"email": email, "password": password, "csrf_token": token})


def fresh(db: Session, model: type[T], ident: int) -> T:
    """The row as the app committed it: end the test session's snapshot and forget its cache."""
    db.rollback()
    db.expire_all()
    found = db.get(model, ident)
    assert found is not None
    return found
