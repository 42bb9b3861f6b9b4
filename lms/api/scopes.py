"""What an API client may be allowed to do: a fixed list HR chooses from."""

from __future__ import annotations

READ_COMPLETIONS = "read:completions"
READ_PEOPLE = "read:people"
WRITE_PEOPLE = "write:people"
READ_AUDIT = "read:audit"
READ_COURSES = "read:courses"
READ_ASSIGNMENTS = "read:assignments"
WRITE_ASSIGNMENTS = "write:assignments"
WRITE_WEBHOOKS = "write:webhooks"

# Scope → what HR reads on the form.
SCOPES: dict[str, str] = {
    READ_COMPLETIONS: "Read enrollments and completions",
    READ_PEOPLE: "Read people",
    WRITE_PEOPLE: "Add and change people",
    READ_AUDIT: "Read the audit log",
    READ_COURSES: "Read courses and their published versions",
    READ_ASSIGNMENTS: "Read assignment rules",
    WRITE_ASSIGNMENTS: "Add and remove assignment rules (clients that see everyone only)",
    WRITE_WEBHOOKS: "Add and remove webhook subscriptions",
}
