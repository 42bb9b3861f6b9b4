"""The events table and the one way to write to it."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from lms import clock
from lms.db import Base, intpk

ENROLLMENT_COMPLETED = "enrollment.completed"
ATTESTATION_RECORDED = "attestation.recorded"
CERTIFICATE_ISSUED = "certificate.issued"
PERSON_DEACTIVATED = "person.deactivated"
KINDS = (ENROLLMENT_COMPLETED, ATTESTATION_RECORDED, CERTIFICATE_ISSUED, PERSON_DEACTIVATED)


class DomainEvent(Base):
    """One thing that happened. `event_id` is public: receivers de-duplicate on it."""

    __tablename__ = "domain_events"
    __table_args__ = (Index("ix_domain_events_kind_occurred", "kind", "occurred_at"),)

    id: Mapped[intpk]
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)  # JSON, shape in docs/webhooks.md
    occurred_at: Mapped[datetime]

    def body(self) -> dict[str, Any]:
        """The envelope receivers get: the event's id, kind, time and its data."""
        return {
            "id": self.event_id,
            "type": self.kind,
            "occurred_at": self.occurred_at.isoformat(),
            "data": json.loads(self.payload),
        }


def record_event(session: Session, kind: str, payload: dict[str, Any]) -> DomainEvent:
    """Add an event to the caller's transaction; it is kept only if that transaction commits."""
    if kind not in KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    event = DomainEvent(
        event_id=str(uuid.uuid4()),
        kind=kind,
        payload=json.dumps(payload, sort_keys=True, default=_json_value),
        occurred_at=clock.now(),
    )
    session.add(event)
    return event


def _json_value(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")
