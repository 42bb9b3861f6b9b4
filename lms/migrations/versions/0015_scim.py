"""SCIM provisioning: bearer tokens (hashed), the log of recent SCIM calls, login-style userNames.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 13:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # New tables only: the people and everything else stay as they are.
    op.create_table(
        "scim_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["employees.id"], name=op.f("fk_scim_tokens_created_by_id_employees")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scim_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_scim_tokens_token_hash")),
    )
    op.create_table(
        "scim_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["token_id"], ["scim_tokens.id"], name=op.f("fk_scim_calls_token_id_scim_tokens")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scim_calls")),
    )
    op.create_index(op.f("ix_scim_calls_token_id"), "scim_calls", ["token_id"])
    op.create_table(
        "scim_user_names",
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(length=320), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employees.id"], name=op.f("fk_scim_user_names_employee_id_employees")
        ),
        sa.PrimaryKeyConstraint("employee_id", name=op.f("pk_scim_user_names")),
        sa.UniqueConstraint("user_name", name=op.f("uq_scim_user_names_user_name")),
    )


def downgrade() -> None:
    op.drop_table("scim_user_names")
    op.drop_index(op.f("ix_scim_calls_token_id"), table_name="scim_calls")
    op.drop_table("scim_calls")
    op.drop_table("scim_tokens")
