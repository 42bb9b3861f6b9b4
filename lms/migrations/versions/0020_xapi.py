"""xAPI: the statement outbox and the high-water mark of events turned into statements.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "xapi_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("statement_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_try_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xapi_statements")),
        sa.UniqueConstraint("event_id", name=op.f("uq_xapi_statements_event_id")),
        sa.UniqueConstraint("statement_id", name=op.f("uq_xapi_statements_statement_id")),
    )
    op.create_index("ix_xapi_statements_due", "xapi_statements", ["status", "next_try_at"])
    high_water = op.create_table(
        "xapi_high_water",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xapi_high_water")),
    )
    # Events from before this version are history the LRS never asked for: start after them.
    # A new database starts at 0, so everything it ever records is sent.
    latest = op.get_bind().scalar(sa.text("SELECT coalesce(max(id), 0) FROM domain_events"))
    op.bulk_insert(high_water, [{"id": 1, "last_event_id": latest}])


def downgrade() -> None:
    op.drop_table("xapi_high_water")
    op.drop_index("ix_xapi_statements_due", table_name="xapi_statements")
    op.drop_table("xapi_statements")
