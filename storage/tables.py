"""The tables, as SQLAlchemy Core sees them (the migrations in ``migrations/versions`` create them)."""

from __future__ import annotations

import sqlalchemy as sa

KINDS = ("liked", "disliked", "not_interested", "rated")

metadata = sa.MetaData()

# one row per (user, item), the latest wins; user is a key such as "user:42" or "session:ab12"
feedback = sa.Table(
    "feedback",
    metadata,
    sa.Column("user", sa.Text, primary_key=True),
    sa.Column("item", sa.Text, primary_key=True),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("ts", sa.Float, nullable=False),
    sa.Column("rating", sa.Float, nullable=True),
)

# one conversation's state (tools.session.Session.to_dict() as JSON); version counts its writes
sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("user_key", sa.Text, nullable=False),
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)
