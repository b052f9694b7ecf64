"""Feedback and a new user's ratings in SQLite, per user key ("user:42", "session:ab12").

One table ``feedback(user, item, kind, ts, rating)``; one row per (user, item), the latest wins.
kind: liked | disliked | not_interested (thumbs and the "not interested" button) | rated (a
new user's cold-start rating, in ``rating``). WAL journal, synchronous=FULL: a write that returned
survives a crash. The next training run reads ``feedback_interactions``.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

KINDS = ("liked", "disliked", "not_interested", "rated")
SESSION_KINDS = ("liked", "disliked", "not_interested")  # what the assistant's tools see
POSITIVE = ("liked", "rated")  # what training counts as an interaction

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    user TEXT NOT NULL,
    item TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('liked', 'disliked', 'not_interested', 'rated')),
    ts REAL NOT NULL,
    rating REAL,
    PRIMARY KEY (user, item)
)
"""


def feedback_path(home: Path) -> Path:
    return Path(home) / "feedback.sqlite3"


class FeedbackDB:
    """Thread-safe: one short connection per call (SQLite serialises the writers)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as con:
            con.execute(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=10.0)
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=FULL")
            with con:  # one transaction, committed on success
                yield con
        finally:
            con.close()

    def journal_mode(self) -> str:
        with self._connect() as con:
            return str(con.execute("PRAGMA journal_mode").fetchone()[0])

    def add(self, user: str, item: str, kind: str, rating: float | None = None) -> None:
        if kind not in KINDS:
            raise ValueError(f"feedback kind {kind!r} is not one of {', '.join(KINDS)}.")
        with self._lock, self._connect() as con:
            con.execute(
                "INSERT INTO feedback(user, item, kind, ts, rating) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(user, item) DO UPDATE SET kind=excluded.kind, ts=excluded.ts, rating=excluded.rating",
                (user, str(item), kind, time.time(), rating),
            )

    def add_many(self, user: str, ratings: dict[str, float | None], kind: str = "rated") -> None:
        """Several rows for ``user`` in one transaction: all are stored or none."""
        if kind not in KINDS:
            raise ValueError(f"feedback kind {kind!r} is not one of {', '.join(KINDS)}.")
        now = time.time()
        with self._lock, self._connect() as con:
            con.executemany(
                "INSERT INTO feedback(user, item, kind, ts, rating) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(user, item) DO UPDATE SET kind=excluded.kind, ts=excluded.ts, rating=excluded.rating",
                [(user, str(item), kind, now, rating) for item, rating in ratings.items()],
            )

    def remove(self, user: str, item: str) -> None:
        with self._lock, self._connect() as con:
            con.execute("DELETE FROM feedback WHERE user=? AND item=?", (user, str(item)))

    def rows(self, user: str) -> list[dict[str, object]]:
        with self._connect() as con:
            cur = con.execute("SELECT item, kind, ts, rating FROM feedback WHERE user=? ORDER BY ts", (user,))
            return [{"item": i, "kind": k, "ts": t, "rating": r} for i, k, t, r in cur.fetchall()]

    def kinds(self, user: str) -> dict[str, str]:
        """item -> liked | disliked | not_interested (ratings left out)."""
        return {str(r["item"]): str(r["kind"]) for r in self.rows(user) if r["kind"] in SESSION_KINDS}

    def ratings(self, user: str) -> dict[str, float | None]:
        return {str(r["item"]): r["rating"] for r in self.rows(user) if r["kind"] == "rated"}  # type: ignore[misc]

    def forget(self, user: str) -> int:
        """Delete everything stored about ``user``; returns the number of rows deleted."""
        with self._lock, self._connect() as con:
            return con.execute("DELETE FROM feedback WHERE user=?", (user,)).rowcount

    def all_rows(self) -> list[tuple[str, str, str, float, float | None]]:
        with self._connect() as con:
            return list(con.execute("SELECT user, item, kind, ts, rating FROM feedback ORDER BY ts").fetchall())


class UserFeedback:
    """The assistant's ``FeedbackStore`` protocol (add/all) over one user's rows: used at once, and kept."""

    def __init__(self, db: FeedbackDB, user: str) -> None:
        self.db, self.user = db, user

    def add(self, item: str, kind: str) -> None:
        if kind not in SESSION_KINDS:
            from because.errors import InputError

            raise InputError(
                f"feedback '{kind}' is not one of {', '.join(SESSION_KINDS)}.", "use liked, disliked or not_interested."
            )
        self.db.add(self.user, item, kind)

    def all(self) -> dict[str, str]:
        return self.db.kinds(self.user)


def _training_user(key: str) -> str:
    return key[len("user:") :] if key.startswith("user:") else key


def feedback_interactions(path: Path) -> pd.DataFrame:
    """Positive feedback (liked, rated) as extra interactions in ``Catalogue.interactions`` columns.

    Disliked and not-interested rows are left out: the scorer learns from what people chose, and
    a row in the matrix counts as a choice. A signed-in customer ("user:42") keeps the shop's id
    "42", so the rows join that customer's history; an anonymous visitor stays "session:<id>".
    """
    columns = ["user_id", "item_id", "rating", "event", "timestamp"]
    if not Path(path).exists():
        return pd.DataFrame(
            {c: pd.Series(dtype=t) for c, t in zip(columns, ["str", "str", "float64", "object", "datetime64[ns, UTC]"])}
        )
    rows = [
        (_training_user(u), i, float("nan") if r is None else float(r), k, ts)
        for u, i, k, ts, r in FeedbackDB(path).all_rows()
        if k in POSITIVE
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["user_id"] = frame["user_id"].astype(str)
    frame["item_id"] = frame["item_id"].astype(str)
    frame["rating"] = frame["rating"].astype("float64")
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], unit="s", utc=True).astype("datetime64[ns, UTC]")
    return frame


def with_feedback(cat: Any, home: Path) -> Any:
    """``cat`` with the web feedback appended to its interactions (rows for unknown items dropped)."""
    import dataclasses

    extra = feedback_interactions(feedback_path(home))
    extra = extra[extra["item_id"].isin(cat.items.index.astype(str))]
    if extra.empty:
        return cat
    return dataclasses.replace(cat, interactions=pd.concat([cat.interactions, extra], ignore_index=True))
