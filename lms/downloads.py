"""How files leave the app: every download holds company data, so each one is saved by the
browser under a name the server made and kept by no cache along the way."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Response


def attachment(
    body: bytes | str | Iterable[bytes] | Iterable[str], *, filename: str, mimetype: str
) -> Response:
    """A response the browser saves as `filename` (made by the server, never by the user)."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
