"""Conversation state (CLI and web sessions) shared by replicas, and the feedback rows by user for 'forget me'.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_key", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_index("sessions_user_key", "sessions", ["user_key"])


def downgrade() -> None:
    op.drop_index("sessions_user_key", table_name="sessions")
    op.drop_table("sessions")
