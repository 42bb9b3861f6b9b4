"""SAML assertion ids already accepted, so a replayed assertion is refused.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 13:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new table only: nothing that exists changes.
    op.create_table(
        "saml_assertions_seen",
        sa.Column("assertion_id", sa.String(length=255), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("assertion_id", name=op.f("pk_saml_assertions_seen")),
    )
    op.create_index(
        op.f("ix_saml_assertions_seen_expires_at"), "saml_assertions_seen", ["expires_at"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_saml_assertions_seen_expires_at"), table_name="saml_assertions_seen")
    op.drop_table("saml_assertions_seen")
