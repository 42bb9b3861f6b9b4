"""HRIS files waiting for HR's confirmation after their preview.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new table only: nothing that exists changes.
    op.create_table(
        "pending_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("deactivate_missing", sa.Boolean(), nullable=False),
        sa.Column("plan_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["employees.id"], name=op.f("fk_pending_imports_actor_id_employees")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_imports")),
        sa.UniqueConstraint("key", name=op.f("uq_pending_imports_key")),
    )
    op.create_index(op.f("ix_pending_imports_actor_id"), "pending_imports", ["actor_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_pending_imports_actor_id"), table_name="pending_imports")
    op.drop_table("pending_imports")
