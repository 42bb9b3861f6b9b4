"""The language the HRIS or SCIM names for a person, kept apart from their own choice, and
SCIM's preferredLanguage as the provider sent it.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 21:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable, no default: nobody has a directory language until a sync names one, so
    # everyone keeps seeing what they saw (their own choice, else their browser's).
    op.add_column("employees", sa.Column("directory_language", sa.String(length=8), nullable=True))
    op.create_table(
        "scim_preferred_languages",
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_scim_preferred_languages_employee_id_employees"),
        ),
        sa.PrimaryKeyConstraint("employee_id", name=op.f("pk_scim_preferred_languages")),
    )


def downgrade() -> None:
    op.drop_table("scim_preferred_languages")
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.drop_column("directory_language")
