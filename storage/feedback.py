"""Feedback and a new user's ratings, per user key ("user:42", "session:ab12"), and 'forget me'.

One row per (user, item), the latest wins. kind: liked | disliked | not_interested (thumbs and the "not
interested" button) | rated (a new user's cold-start rating, in ``rating``). Every write is committed before
it returns (see ``storage.database``), so a write that returned survives a crash of this process.
"""

from __future__ import annotations

import time
from pathlib import Path

import sqlalchemy as sa

from storage.database import Database
from storage.tables import KINDS, feedback, sessions

SESSION_KINDS = ("liked", "disliked", "not_interested")  # what the assistant's tools see
POSITIVE = ("liked", "rated")  # what training counts as an interaction


def _check(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"feedback kind {kind!r} is not one of {', '.join(KINDS)}.")


class FeedbackDB:
    """Thread-safe. ``target``: a ``Database``, a database URL, or the path of a SQLite file."""

    def __init__(self, target: Database | str | Path) -> None:
        if isinstance(target, str) and "://" not in target:
            target = Path(target)
        self.database = target if isinstance(target, Database) else Database(target)
        self.path = self.database.path  # the SQLite file (None on PostgreSQL)
        insert = self.database.insert(feedback)
        self._upsert = insert.on_conflict_do_update(
            index_elements=["user", "item"], set_={c: insert.excluded[c] for c in ("kind", "ts", "rating")}
        )

    def journal_mode(self) -> str:
        """SQLite: "wal"; PostgreSQL: "synchronous_commit=on"."""
        return self.database.durability()

    def add(self, user: str, item: str, kind: str, rating: float | None = None) -> None:
        self.add_many(user, {str(item): rating}, kind)

    def add_many(self, user: str, ratings: dict[str, float | None], kind: str = "rated") -> None:
        """Several rows for ``user`` in one transaction: all are stored or none."""
        _check(kind)
        if not ratings:
            return
        now = time.time()
        rows = [{"user": user, "item": str(i), "kind": kind, "ts": now, "rating": r} for i, r in ratings.items()]
        with self.database.write() as con:
            con.execute(self._upsert, rows)

    def remove(self, user: str, item: str) -> None:
        with self.database.write() as con:
            con.execute(sa.delete(feedback).where(feedback.c.user == user, feedback.c.item == str(item)))

    def rows(self, user: str) -> list[dict[str, object]]:
        query = sa.select(feedback.c.item, feedback.c.kind, feedback.c.ts, feedback.c.rating)
        with self.database.read() as con:
            found = con.execute(query.where(feedback.c.user == user).order_by(feedback.c.ts, feedback.c.item))
            return [{"item": i, "kind": k, "ts": t, "rating": r} for i, k, t, r in found]

    def kinds(self, user: str) -> dict[str, str]:
        """item -> liked | disliked | not_interested (ratings left out)."""
        return {str(r["item"]): str(r["kind"]) for r in self.rows(user) if r["kind"] in SESSION_KINDS}

    def ratings(self, user: str) -> dict[str, float | None]:
        return {str(r["item"]): r["rating"] for r in self.rows(user) if r["kind"] == "rated"}  # type: ignore[misc]

    def forget(self, user: str) -> int:
        """Delete everything stored about ``user`` (feedback rows and conversations), in one transaction; returns
        the number of rows deleted."""
        with self.database.write() as con:
            n = con.execute(sa.delete(feedback).where(feedback.c.user == user)).rowcount
            return n + con.execute(sa.delete(sessions).where(sessions.c.user_key == user)).rowcount

    def all_rows(self) -> list[tuple[str, str, str, float, float | None]]:
        c = feedback.c
        with self.database.read() as con:
            found = con.execute(sa.select(c.user, c.item, c.kind, c.ts, c.rating).order_by(c.ts, c.user, c.item))
            return [tuple(row) for row in found]  # type: ignore[misc]
