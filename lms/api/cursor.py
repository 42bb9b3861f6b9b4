"""Opaque page cursors: clients pass them back unread."""

from __future__ import annotations

import base64
import binascii
import json


def encode(after_id: int) -> str:
    """A cursor for the page after this enrollment id."""
    return base64.urlsafe_b64encode(json.dumps({"after": after_id}).encode()).decode().rstrip("=")


def decode(cursor: str) -> int | None:
    """The id a cursor carries, or None when it is not one of ours."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        return None
    after = data.get("after") if isinstance(data, dict) else None
    return after if isinstance(after, int) and not isinstance(after, bool) and after >= 0 else None
