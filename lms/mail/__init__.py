"""Email: the outbox every message goes through, its delivery over SMTP, and the reminders.

The outbox, rendering and delivery use nothing but the database, so any package may queue a
message (as any may write to the audit log); the reminder schedule reads courses,
assignments and the org chart and sits on the top floor with the reports.
"""
