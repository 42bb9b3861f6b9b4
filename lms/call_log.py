"""A short log of the calls a machine client made (SCIM tokens, API clients), for HR's pages:
one row per call, only the latest few hundred kept."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

DETAIL_LENGTH = 1000


def add_call(
    session: Session,
    model: type[Any],
    kept: int,
    *,
    method: str,
    path: str,
    status: int,
    detail: str | None,
    **owner: int | None,
) -> None:
    """Add one call (`owner` names the token or client column), then drop the oldest past
    `kept`, so the table never grows with the traffic."""
    session.add(
        model(
            method=method[:10],
            path=path[:500],
            status=status,
            detail=detail[:DETAIL_LENGTH] if detail else None,
            **owner,
        )
    )
    session.flush()
    keep_from = session.scalar(select(model.id).order_by(model.id.desc()).offset(kept - 1).limit(1))
    if keep_from is not None:
        session.execute(delete(model).where(model.id < keep_from))
