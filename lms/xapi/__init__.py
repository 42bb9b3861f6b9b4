"""xAPI 1.0.3 statements for the domain events, sent to a Learning Record Store.

An outbox like the webhooks' (lms/webhooks): `lms xapi send` turns settled events into
statements, then puts each one to the LRS until it is stored (docs/xapi.md).
"""
