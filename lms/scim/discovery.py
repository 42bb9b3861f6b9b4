"""What the SCIM service says about itself: ServiceProviderConfig, ResourceTypes, Schemas.

Pure. The User schema published lists only the attributes Postwise keeps, so identity
providers and checkers send nothing that would be silently dropped.
"""

from __future__ import annotations

from typing import Any

from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Context,
    EnterpriseUser,
    ETag,
    Filter,
    Group,
    Meta,
    Patch,
    ResourceType,
    Schema,
    SchemaExtension,
    ServiceProviderConfig,
    Sort,
    User,
)

from lms.scim.schema import ENTERPRISE

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
# The attributes Postwise stores or derives; everything else in RFC 7643's User is left out.
# (externalId is common to every resource: the employee id. employeeNumber is read as the
# employee id when a provider sends no externalId, and not echoed, as the two would clash.)
USER_ATTRIBUTES = {"userName", "name", "title", "preferredLanguage", "active", "emails"}
NAME_PARTS = {"givenName", "familyName"}
EMAIL_PARTS = {"value"}
ENTERPRISE_ATTRIBUTES = {"department", "manager"}
MANAGER_PARTS = {"value", "$ref"}
# Every person in Postwise has a work address, a first and last name (as in an HRIS file) and
# is active or not: none of these can be removed (a new user without "active" is active).
REQUIRED = {"name", "name.givenName", "name.familyName", "emails", "emails.value", "active"}
# A group has a name and members, each a User by id ($ref is filled in), as in RFC 7643 §8.7.1.
GROUP_ATTRIBUTES = {"displayName", "members"}
MEMBER_PARTS = {"value", "$ref"}


def service_provider_config(base: str) -> dict[str, Any]:
    """PATCH, filters and ETags are on; bulk, sort and password changes are not offered."""
    config = ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=200),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=True),
        authentication_schemes=[
            AuthenticationScheme(
                type="oauthbearertoken",
                name="Bearer token",
                description="A token HR creates on Postwise's SCIM provisioning page",
                primary=True,
            )
        ],
        meta=Meta(resource_type="ServiceProviderConfig", location=f"{base}/ServiceProviderConfig"),
    )
    return config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)


def resource_types(base: str) -> list[dict[str, Any]]:
    """User, with the enterprise extension, and Group (members are Users)."""
    user_type = ResourceType(
        id="User",
        name="User",
        endpoint="/Users",
        description="A person in Postwise",
        schema_=USER_SCHEMA,
        schema_extensions=[SchemaExtension(schema_=ENTERPRISE, required=False)],
        meta=Meta(resource_type="ResourceType", location=f"{base}/ResourceTypes/User"),
    )
    group_type = ResourceType(
        id="Group",
        name="Group",
        endpoint="/Groups",
        description="A directory group: its members can be given courses by assignment rules",
        schema_=GROUP_SCHEMA,
        meta=Meta(resource_type="ResourceType", location=f"{base}/ResourceTypes/Group"),
    )
    return [t.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE) for t in (user_type, group_type)]


def schemas(base: str) -> list[dict[str, Any]]:
    """The User, enterprise User and Group schemas, trimmed to the attributes Postwise keeps."""
    found = []
    for model, keep, parts in (
        (User, USER_ATTRIBUTES, {"name": NAME_PARTS, "emails": EMAIL_PARTS}),
        (EnterpriseUser, ENTERPRISE_ATTRIBUTES, {"manager": MANAGER_PARTS}),
        (Group, GROUP_ATTRIBUTES, {"members": MEMBER_PARTS}),
    ):
        schema: Schema = model.to_schema()
        schema.attributes = [a for a in schema.attributes or [] if a.name in keep]
        for attribute in schema.attributes:
            if attribute.name in REQUIRED:
                attribute.required = True
            if attribute.name in parts and attribute.sub_attributes:
                attribute.sub_attributes = [
                    s for s in attribute.sub_attributes if s.name in parts[attribute.name]
                ]
                for sub in attribute.sub_attributes:
                    if f"{attribute.name}.{sub.name}" in REQUIRED:
                        sub.required = True
        schema.meta = Meta(resource_type="Schema", location=f"{base}/Schemas/{schema.id}")
        found.append(schema.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    return found
