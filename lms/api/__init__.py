"""The REST API under /api/v1: clients and tokens, problem details, the OpenAPI document."""
