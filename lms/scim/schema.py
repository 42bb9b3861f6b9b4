"""Postwise's people in SCIM terms: the User model served, and how an employee reads as one.

Pure: no Flask, no database queries.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from scim2_models import (
    Context,
    Email,
    EnterpriseUser,
    Manager,
    Meta,
    Name,
    Resource,
    User,
)

from lms.people.models import Employee

ScimUser = User[EnterpriseUser]
# The employee ids Postwise gives people a provider names by no HRIS id (see services).
GENERATED_ID_PREFIX = "scim-"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
# The HRIS columns and the SCIM attributes that carry them, for messages in SCIM words.
ATTRIBUTE_OF_COLUMN = {
    "employee_id": "externalId",
    "email": "userName",
    "first_name": "name.givenName",
    "last_name": "name.familyName",
    "department": f"{ENTERPRISE}:department",
    "title": "title",
    "manager_id": f"{ENTERPRISE}:manager",
    "status": "active",
    "language": "preferredLanguage",
}


def to_user(
    employee: Employee,
    manager_id: int | None,
    location: str,
    user_name: str | None = None,
    preferred_language: str | None = None,
) -> ScimUser:
    """The SCIM User for an employee, with its ETag in meta.version; `user_name` when the
    provider's userName is not the address (see ScimUserName), `preferred_language` when the
    provider's is not the code stored (see ScimPreferredLanguage)."""
    users = location.rsplit("/", 1)[0]
    user = ScimUser(
        id=str(employee.id),
        external_id=None if employee.hris_id.startswith(GENERATED_ID_PREFIX) else employee.hris_id,
        user_name=user_name or employee.email,
        name=Name(given_name=employee.first_name, family_name=employee.last_name),
        title=employee.title,
        preferred_language=preferred_language or employee.directory_language,
        active=employee.is_active,
        emails=[Email(value=employee.email)],
    )
    user[EnterpriseUser] = EnterpriseUser(
        department=employee.department,
        manager=Manager(value=str(manager_id), ref=f"{users}/{manager_id}") if manager_id else None,
    )
    user.meta = Meta(
        resource_type="User",
        created=employee.created_at,
        last_modified=employee.updated_at,
        location=location,
        version=version_of(user),
    )
    return user


def version_of(resource: Resource[Any]) -> str:
    """A weak ETag of what a resource says (meta aside): it changes exactly when it does."""
    content = resource.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    content.pop("meta", None)
    digest = hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode())
    return f'W/"{digest.hexdigest()[:20]}"'


_ONE_EMAIL = re.compile(r"^emails\[[^\]]*\]\.value$", re.I)


def with_provider_quirks(body: Any, users: str) -> Any:
    """Entra ID and Okta send the manager as a bare id (or {"value": id}) without the
    "$ref" RFC 7643 requires; fill it in so the payload validates, before scim2-models reads it.
    """
    if not isinstance(body, dict):
        return body
    if isinstance(extension := body.get(ENTERPRISE), dict) and "manager" in extension:
        extension["manager"] = _manager(extension["manager"], users)
    for operation in body.get("Operations") or []:
        if not isinstance(operation, dict):
            continue
        path = str(operation.get("path") or "")
        if path.lower() == f"{ENTERPRISE}:manager".lower():
            operation["value"] = _manager(operation.get("value"), users)
        elif _ONE_EMAIL.match(path) and str(operation.get("op", "")).lower() != "remove":
            # Entra ID's emails[type eq "work"].value: Postwise keeps one address, so this
            # replaces it (the filter would match nothing, as no type is stored).
            operation.update(op="replace", path="emails", value=[{"value": operation.get("value")}])
        elif not path:
            with_provider_quirks(operation.get("value"), users)
    return body


def _manager(value: Any, users: str) -> Any:
    if isinstance(value, str | int):
        value = {"value": str(value)} if str(value) else None
    if isinstance(value, dict) and value.get("value") and "$ref" not in value:
        value = {**value, "$ref": f"{users}/{value['value']}"}
    return value
