"""The xAPI 1.0.3 statement an event stands for (pure: no database, no Flask).

Shapes and the choice of verbs are in docs/xapi.md. A statement's id is derived from the
event's public id, so sending it again can only ever repeat the same statement, which the
LRS recognises and does not store twice.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from lms.events import (
    ATTESTATION_RECORDED,
    CERTIFICATE_ISSUED,
    ENROLLMENT_COMPLETED,
)

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:postwise:xapi")
VERSION = "1.0.3"
COURSE_TYPE = "http://adlnet.gov/expapi/activities/course"
VERBS = {
    ENROLLMENT_COMPLETED: ("http://adlnet.gov/expapi/verbs/completed", "completed"),
    ATTESTATION_RECORDED: ("http://activitystrea.ms/schema/1.0/accept", "accepted"),
    CERTIFICATE_ISSUED: ("http://id.tincanapi.com/verb/earned", "earned"),
}
# person.deactivated has no statement: xAPI records learning experiences, and leaving the
# company is none; what the person learnt stays true and stays in the LRS.
KINDS = tuple(VERBS)


def statement_id(event_id: str) -> str:
    """The statement's id: the same for every send of one event."""
    return str(uuid.uuid5(NAMESPACE, event_id))


def build_statement(
    *, kind: str, event_id: str, occurred_at: datetime, data: dict[str, Any], base_url: str
) -> dict[str, Any]:
    """The statement for one event of a kind in KINDS, `data` being the event's payload."""
    base = base_url.rstrip("/")
    verb_id, verb_name = VERBS[kind]
    course = _course_activity(base, data["course"])
    statement: dict[str, Any] = {
        "id": statement_id(event_id),
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": base, "name": data["person"]["employee_id"]},
        },
        "verb": {"id": verb_id, "display": {"en-US": verb_name}},
        "object": course,
        "context": {"platform": "Postwise", "language": "en-US"},
        "timestamp": _when(kind, occurred_at, data),
    }
    if "enrollment_id" in data:
        registration = uuid.uuid5(NAMESPACE, f"{base}/enrollments/{data['enrollment_id']}")
        statement["context"]["registration"] = str(registration)
    if kind == ENROLLMENT_COMPLETED:
        statement["result"] = _result(data.get("score"))
    elif kind == CERTIFICATE_ISSUED:
        statement["object"] = _certificate_activity(base, data["certificate"]["code"], course)
        statement["context"]["contextActivities"] = {"parent": [course]}
    return statement


def _course_activity(base: str, course: dict[str, Any]) -> dict[str, Any]:
    """The course version taken; the course itself for a completion HR recorded by hand
    (a classroom session), where no Postwise version was taken."""
    slug, version = course["slug"], course["version"]
    if version is None:
        activity_id, name = f"{base}/courses/{slug}", slug
    else:
        activity_id, name = (
            f"{base}/courses/{slug}/versions/{version}",
            f"{slug}, version {version}",
        )
    return {
        "objectType": "Activity",
        "id": activity_id,
        "definition": {"type": COURSE_TYPE, "name": {"en-US": name}},
    }


def _when(kind: str, occurred_at: datetime, data: dict[str, Any]) -> str:
    """When the experience happened: for a completion HR recorded, the day HR gave (the
    classroom session), not the moment HR typed it in."""
    when = occurred_at
    if kind == ENROLLMENT_COMPLETED and data.get("completed_at"):
        when = datetime.fromisoformat(data["completed_at"])
    return when.astimezone(UTC).isoformat(timespec="milliseconds")


def _certificate_activity(base: str, code: str, course: dict[str, Any]) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": f"{base}/verify/{code}",  # the certificate's public verification page
        "definition": {"name": {"en-US": f"Certificate for {_name(course)}"}},
    }


def _name(activity: dict[str, Any]) -> str:
    return str(activity["definition"]["name"]["en-US"])


def _result(score: int | None) -> dict[str, Any]:
    result: dict[str, Any] = {"completion": True, "success": True}
    if score is not None:  # a percentage, from the passing quiz attempt
        result["score"] = {"scaled": score / 100, "raw": score, "min": 0, "max": 100}
    return result
