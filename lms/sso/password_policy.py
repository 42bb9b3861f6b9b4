"""Whether a password may still be used to sign in once single sign-on (OIDC or SAML) is on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lms.messages import N_, Message
from lms.people.models import Employee

BREAK_GLASS = "break_glass"
# The SAML button's text on the sign-in page (the OIDC one is the company's, OIDC_LABEL).
SAML_LABEL = N_("Sign in with your company account")


def sign_in_buttons(config: Mapping[str, Any]) -> list[Message | str]:
    """The single sign-on buttons the sign-in page shows, in its order: OIDC, then SAML."""
    buttons = [config["OIDC_LABEL"]] if config.get("OIDC_DISCOVERY_URL") else []
    if config.get("SAML_IDP_METADATA_FILE") or config.get("SAML_IDP_METADATA_URL"):
        buttons.append(SAML_LABEL)
    return buttons


def break_glass_only(config: Mapping[str, Any]) -> bool:
    """Whether passwords are kept for the break-glass HR admins alone: asked for, and single
    sign-on (OpenID Connect or SAML) is on to let everyone else in."""
    return config["PASSWORD_SIGN_IN"] == BREAK_GLASS and bool(sign_in_buttons(config))


def password_refusal(
    config: Mapping[str, Any], email: str, employee: Employee | None = None
) -> Message | None:
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
    buttons: list[Message | str] = []
    for label in sign_in_buttons(config):  # each once (a Message does not hash)
        if label not in buttons:
            buttons.append(label)
    if len(buttons) == 1:
        return N_(
            "Postwise uses your company sign-in: use the “%(button)s” button instead of a "
            "password. Only a break-glass HR admin can sign in with a password.",
            button=buttons[0],
        )
    return N_(
        "Postwise uses your company sign-in: use the “%(first)s” or “%(second)s” button "
        "instead of a password. Only a break-glass HR admin can sign in with a password.",
        first=buttons[0],
        second=buttons[1],
    )
