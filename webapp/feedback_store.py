"""The web app's side of the feedback store (``storage.FeedbackDB``): one user's feedback for the assistant, and the
positive rows as training interactions (the next ``because train`` reads ``feedback_interactions``).

kind: liked | disliked | not_interested (thumbs and the "not interested" button) | rated (a new user's
cold-start rating). Rows live in SQLite (``<home>/feedback.sqlite3``, WAL, synchronous=FULL) or, with
``BECAUSE_DATABASE_URL``, in PostgreSQL; a write that returned was committed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from storage import KINDS, POSITIVE, SESSION_KINDS, FeedbackDB
from storage.database import SQLITE_FILE

__all__ = [
    "KINDS",
    "POSITIVE",
    "SESSION_KINDS",
    "FeedbackDB",
    "UserFeedback",
    "feedback_interactions",
    "feedback_path",
    "with_feedback",
]


def feedback_path(home: Path) -> Path:
    return Path(home) / SQLITE_FILE


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


def feedback_interactions(source: Path | str | FeedbackDB) -> pd.DataFrame:
    """Positive feedback (liked, rated) as extra interactions in ``Catalogue.interactions`` columns.

    ``source``: a SQLite file (none there: no rows), a database URL, or an open ``FeedbackDB``.
    Disliked and not-interested rows are left out: the scorer learns from what people chose, and
    a row in the matrix counts as a choice. A signed-in customer ("user:42") keeps the shop's id
    "42", so the rows join that customer's history; an anonymous visitor stays "session:<id>".
    """
    columns = ["user_id", "item_id", "rating", "event", "timestamp"]
    if isinstance(source, Path) and not source.exists():
        return pd.DataFrame(
            {c: pd.Series(dtype=t) for c, t in zip(columns, ["str", "str", "float64", "object", "datetime64[ns, UTC]"])}
        )
    db = source if isinstance(source, FeedbackDB) else FeedbackDB(source)
    rows = [
        (_training_user(u), i, float("nan") if r is None else float(r), k, ts)
        for u, i, k, ts, r in db.all_rows()
        if k in POSITIVE
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["user_id"] = frame["user_id"].astype(str)
    frame["item_id"] = frame["item_id"].astype(str)
    frame["rating"] = frame["rating"].astype("float64")
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], unit="s", utc=True).astype("datetime64[ns, UTC]")
    return frame


def with_feedback(cat: Any, home: Path, database_url: str | None = None) -> Any:
    """``cat`` with the web feedback appended to its interactions (rows for unknown items dropped); from
    ``database_url`` when set (BECAUSE_DATABASE_URL), else the SQLite file in ``home``."""
    import dataclasses

    extra = feedback_interactions(database_url or feedback_path(home))
    extra = extra[extra["item_id"].isin(cat.items.index.astype(str))]
    if extra.empty:
        return cat
    return dataclasses.replace(cat, interactions=pd.concat([cat.interactions, extra], ignore_index=True))
