"""The feedback table (the one table of the SQLite-only store: an existing one is adopted as it is).

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("feedback"):
        return  # a feedback.sqlite3 from before migrations: same columns, its rows stay
    op.create_table(
        "feedback",
        sa.Column("user", sa.Text, nullable=False),
        sa.Column("item", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("ts", sa.Float, nullable=False),
        sa.Column("rating", sa.Float, nullable=True),
        sa.PrimaryKeyConstraint("user", "item"),
        sa.CheckConstraint("kind IN ('liked', 'disliked', 'not_interested', 'rated')", name="feedback_kind"),
    )


def downgrade() -> None:
    op.drop_table("feedback")
