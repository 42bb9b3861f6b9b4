"""What an API client may be allowed to do: a fixed list HR chooses from."""

from __future__ import annotations

from lms.messages import N_, Message

READ_COMPLETIONS = "read:completions"
READ_PEOPLE = "read:people"
WRITE_PEOPLE = "write:people"
READ_AUDIT = "read:audit"
READ_COURSES = "read:courses"
READ_ASSIGNMENTS = "read:assignments"
WRITE_ASSIGNMENTS = "write:assignments"
WRITE_WEBHOOKS = "write:webhooks"

# Scope → what HR reads on the form.
SCOPES: dict[str, Message] = {
    READ_COMPLETIONS: N_("Read enrollments and completions"),
    READ_PEOPLE: N_("Read people"),
    WRITE_PEOPLE: N_("Add and change people"),
    READ_AUDIT: N_("Read the audit log"),
    READ_COURSES: N_("Read courses and their published versions"),
    READ_ASSIGNMENTS: N_("Read assignment rules"),
    WRITE_ASSIGNMENTS: N_("Add and remove assignment rules (clients that see everyone only)"),
    WRITE_WEBHOOKS: N_("Add and remove webhook subscriptions"),
}
