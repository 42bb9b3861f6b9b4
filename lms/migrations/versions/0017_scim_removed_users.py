"""SCIM DELETE: remember the people an identity provider removed, so the API forgets them.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 15:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new table only: people a provider deleted before this version stay readable (they
    # were deactivated), which is what the API said then.
    op.create_table(
        "scim_removed_users",
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_scim_removed_users_employee_id_employees"),
        ),
        sa.PrimaryKeyConstraint("employee_id", name=op.f("pk_scim_removed_users")),
    )


def downgrade() -> None:
    op.drop_table("scim_removed_users")
