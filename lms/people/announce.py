"""How a person appears in an event (docs/webhooks.md): ids and address, nothing more."""

from __future__ import annotations

from typing import Any

from lms.people.models import Employee


def person_facts(person: Employee) -> dict[str, Any]:
    """Our id, the HRIS employee id, and the address: enough to match, nothing personal."""
    return {"id": person.id, "employee_id": person.hris_id, "email": person.email}
