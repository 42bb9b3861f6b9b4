"""A person's language for the interface (null: their browser's, else the company's).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 20:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable, no default: everyone keeps what their browser asks for until they choose.
    op.add_column("employees", sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("employees", schema=None) as batch_op:
        batch_op.drop_column("language")
