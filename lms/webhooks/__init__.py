"""Webhooks: HR subscribes URLs to domain events; deliveries go out signed, at least once."""
