"""Domain events: what happened, written in the same transaction as the change itself.

A service calls `record_event` with its own session, so an event exists exactly when its
change committed: nothing rolled back is announced, nothing committed goes unannounced.
This module sits on the lowest floor (it imports only the database), so every layer,
people included, can record events; webhooks (and later xAPI) read them from here.
"""

from lms.events.models import (
    ATTESTATION_RECORDED,
    CERTIFICATE_ISSUED,
    ENROLLMENT_COMPLETED,
    KINDS,
    PERSON_DEACTIVATED,
    DomainEvent,
    record_event,
)

__all__ = [
    "ATTESTATION_RECORDED",
    "CERTIFICATE_ISSUED",
    "ENROLLMENT_COMPLETED",
    "KINDS",
    "PERSON_DEACTIVATED",
    "DomainEvent",
    "record_event",
]
