"""Absolute links for emails, always built on LMS_BASE_URL.

Never from the request: a link built from the Host header of a forged request would send
someone's password-reset link to an attacker's site.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask


def link_builder(app: Flask) -> Callable[..., str]:
    """A function from an endpoint and its values to an absolute URL under BASE_URL."""
    base = urlsplit(app.config["BASE_URL"])
    adapter = app.url_map.bind(
        base.netloc, script_name=base.path.rstrip("/") or "/", url_scheme=base.scheme
    )

    def link(endpoint: str, **values: object) -> str:
        return adapter.build(endpoint, values, force_external=True)

    return link
