"""Directory groups sent through SCIM, and their members, for assignment rules to name.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 15:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # New tables only; rules keep their audiences as they are.
    op.create_table(
        "directory_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(length=256), nullable=False),
        sa.Column("external_id", sa.String(length=256), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_groups")),
        sa.UniqueConstraint("display_name", name=op.f("uq_directory_groups_display_name")),
        sa.UniqueConstraint("external_id", name=op.f("uq_directory_groups_external_id")),
    )
    op.create_table(
        "directory_group_members",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["directory_groups.id"],
            name=op.f("fk_directory_group_members_group_id_directory_groups"),
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_directory_group_members_employee_id_employees"),
        ),
        sa.PrimaryKeyConstraint("group_id", "employee_id", name=op.f("pk_directory_group_members")),
    )
    op.create_index(
        op.f("ix_directory_group_members_employee_id"), "directory_group_members", ["employee_id"]
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_directory_group_members_employee_id"), table_name="directory_group_members"
    )
    op.drop_table("directory_group_members")
    op.drop_table("directory_groups")
