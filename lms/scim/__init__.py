"""SCIM 2.0 provisioning: the identity provider keeps the people list, as the HRIS import does."""
