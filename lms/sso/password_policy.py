"""Whether a password may still be used to sign in once single sign-on is on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lms.people.models import Employee

BREAK_GLASS = "break_glass"
BREAK_GLASS_ONLY = (
    "Postwise uses your company sign-in: use the \u201c{label}\u201d button instead of a "
    "password. Only a break-glass HR admin can sign in with a password."
)


def break_glass_only(config: Mapping[str, Any]) -> bool:
    """Whether passwords are kept for the break-glass HR admins alone: asked for, and single
    sign-on (OpenID Connect) is on to let everyone else in."""
    return config["PASSWORD_SIGN_IN"] == BREAK_GLASS and bool(config["OIDC_DISCOVERY_URL"])


def password_refusal(
    config: Mapping[str, Any], email: str, employee: Employee | None = None
) -> str | None:
    """The message for a refused password sign-in, or None when it may go on.

    Checked before the password (an address not on the break-glass list is refused without
    one) and again after it (the account must also be an active HR admin).
    """
    if not break_glass_only(config):
        return None
    allowed = email.strip().lower() in config["BREAK_GLASS_EMAILS"]
    if employee is not None:
        allowed = allowed and employee.is_hr_admin
    if allowed:
        return None
    return BREAK_GLASS_ONLY.format(label=config["OIDC_LABEL"])
