"""Exemptions, completions recorded by HR, recertification periods and certificate expiry.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs (no table copy), so rows that refer to enrollments and certificates
    # stay untouched; every new column is nullable, so existing rows need no value.
    op.add_column("enrollments", sa.Column("recertify_months", sa.Integer(), nullable=True))
    op.add_column("enrollments", sa.Column("exempted_at", sa.DateTime(), nullable=True))
    op.add_column("enrollments", sa.Column("completion_recorded_at", sa.DateTime(), nullable=True))
    op.add_column("enrollments", sa.Column("reason", sa.String(length=500), nullable=True))
    op.add_column("certificates", sa.Column("valid_until", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_column("valid_until")
    with op.batch_alter_table("enrollments", schema=None) as batch_op:
        batch_op.drop_column("reason")
        batch_op.drop_column("completion_recorded_at")
        batch_op.drop_column("exempted_at")
        batch_op.drop_column("recertify_months")
