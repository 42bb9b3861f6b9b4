"""Recording HR actions. Append-only: there is deliberately no way to change or remove one."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from lms import clock
from lms.audit.models import AuditEvent
from lms.db import column_length
from lms.messages import N_, Message

TARGET_LENGTH = column_length(AuditEvent.target)

log = logging.getLogger(__name__)

# The actions recorded, so reports and filters can list them.
ACTIONS = (
    "people.imported",
    "role.granted",
    "role.revoked",
    "password_link.issued",
    "course.created",
    "course.imported",
    "course.published",
    "rule.created",
    "rule.changed",
    "rule.removed",
    "enrollment.assigned",
    "enrollment.withdrawn",
    "enrollment.exempted",
    "enrollment.completion_recorded",
    "mail.retried",
    "mail.nudged",
    "precheck.settings_changed",
    "api.client_created",
    "api.client_revoked",
    "scim.token_created",
    "scim.token_revoked",
    "scim.user_changed",
    "scim.user_renumbered",
    "person.created_at_sign_in",
    "scim.group_changed",
    "scim.group_deleted",
    "webhook.subscribed",
    "webhook.paused",
    "webhook.resumed",
    "webhook.removed",
    "webhook.sent_again",
)

# What each action is called where people read the log: the codes above stay for filters,
# files and scripts; these are the words on the page.
ACTION_LABELS = {
    "people.imported": N_("Imported people from an HRIS file"),
    "role.granted": N_("Made an HR admin"),
    "role.revoked": N_("No longer an HR admin"),
    "password_link.issued": N_("Gave a link to set a password"),
    "course.created": N_("Created a course"),
    "course.imported": N_("Uploaded a course"),
    "course.published": N_("Published a course version"),
    "rule.created": N_("Added an assignment rule"),
    "rule.changed": N_("Changed an assignment rule"),
    "rule.removed": N_("Removed an assignment rule"),
    "enrollment.assigned": N_("Assigned a course"),
    "enrollment.withdrawn": N_("Withdrew a course"),
    "enrollment.exempted": N_("Exempted from a course"),
    "enrollment.completion_recorded": N_("Recorded a course completed elsewhere"),
    "mail.retried": N_("Tried failed emails again"),
    "mail.nudged": N_("Sent a reminder"),
    "precheck.settings_changed": N_("Changed the pre-check settings"),
    "api.client_created": N_("Created an API client"),
    "api.client_revoked": N_("Revoked an API client"),
    "scim.token_created": N_("Created a SCIM token"),
    "scim.token_revoked": N_("Revoked a SCIM token"),
    "scim.user_changed": N_("Changed a person through SCIM"),
    "scim.user_renumbered": N_("Changed a person's employee id through SCIM"),
    "person.created_at_sign_in": N_("Person created at first sign-in"),
    "scim.group_changed": N_("Changed a directory group through SCIM"),
    "scim.group_deleted": N_("Deleted a directory group through SCIM"),
    "webhook.subscribed": N_("Subscribed a URL to webhooks"),
    "webhook.paused": N_("Paused a webhook subscription"),
    "webhook.resumed": N_("Resumed a webhook subscription"),
    "webhook.removed": N_("Removed a webhook subscription"),
    "webhook.sent_again": N_("Sent a failed webhook again"),
}


def action_words(action: str) -> Message:
    """An action in words, to translate where it is shown; one without a label reads as its
    code in plain words."""
    return ACTION_LABELS.get(action) or N_(action.replace(".", " ").replace("_", " ").capitalize())


def action_label(action: str) -> str:
    """An action in English words (the API, the CLI)."""
    return str(action_words(action))


def record(
    session: Session,
    action: str,
    target: str,
    *,
    actor_id: int | None,
    before: str | None = None,
    after: str | None = None,
) -> AuditEvent:
    """Add one event to the log in the caller's transaction (it commits with the change)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if len(target) > TARGET_LENGTH:
        # Targets quote names people typed; the record of the action matters more than the
        # end of a long name, and PostgreSQL would refuse the whole change otherwise.
        target = target[: TARGET_LENGTH - 1] + "…"
    event = AuditEvent(
        at=clock.now(), actor_id=actor_id, action=action, target=target, before=before, after=after
    )
    session.add(event)
    session.flush()
    log.info("audit: %s %s by %s", action, target, actor_id or "the command line")
    return event
