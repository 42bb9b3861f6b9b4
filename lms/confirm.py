"""A confirmation step before a destructive change, that works without JavaScript.

The first POST of a destructive form changes nothing: the view answers with a page that
says concretely what will change and posts the same fields again with `confirmed=yes`.
Only that second POST makes the change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask import render_template, request

CONFIRMED = "confirmed"


def is_confirmed() -> bool:
    """Whether this POST comes from the confirmation page."""
    return request.form.get(CONFIRMED) == "yes"


def ask(
    title: str,
    changes: Sequence[str],
    button: str,
    back_url: str,
    carry: Mapping[str, str] | None = None,
) -> str:
    """The confirmation page: what will change, one button to go ahead, a way back."""
    return render_template(
        "confirm.html",
        title=title,
        changes=changes,
        button=button,
        back_url=back_url,
        action=request.path,
        carry=carry or {},
    )
