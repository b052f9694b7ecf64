"""Conversation state (the CLI's ``--session`` and the JSON API's ``session_id``), shared by every replica.

A row: id, the user key it belongs to ("user:42", "session:ab12"), the state as JSON, a version and
``updated_at``. Concurrency: ``save(..., expected_version=n)`` is optimistic, it writes only if the row is
still at version n (0: it must not exist yet) and raises ``ConflictError`` otherwise, so of two turns of
one conversation on two replicas the later one is refused, never silently lost. ``expected_version=None``
is last-writer-wins (the CLI: one person at one terminal). A row never changes owner either way.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from because.errors import ConflictError
from storage.database import Database
from storage.tables import sessions


@dataclass(frozen=True)
class StoredSession:
    id: str
    user_key: str
    state: dict[str, Any]
    version: int
    updated_at: float


def _conflict(session_id: str) -> ConflictError:
    return ConflictError(
        f"conversation '{session_id}' was changed meanwhile (another turn, maybe on another server), "
        "or belongs to someone else.",
        "send the message again: it continues from the newest state.",
    )


class SessionStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    def get(self, session_id: str) -> StoredSession | None:
        with self.database.read() as con:
            row = con.execute(sa.select(sessions).where(sessions.c.id == session_id)).first()
        return None if row is None else _stored(row)

    def for_user(self, user_key: str) -> list[StoredSession]:
        query = sa.select(sessions).where(sessions.c.user_key == user_key).order_by(sessions.c.updated_at)
        with self.database.read() as con:
            return [_stored(row) for row in con.execute(query)]

    def save(self, session_id: str, user_key: str, state: dict[str, Any], expected_version: int | None = None) -> int:
        """Store ``state``, committed before this returns; the row's new version. See the module's note."""
        values = {"state": json.dumps(state, ensure_ascii=False), "updated_at": time.time()}
        c = sessions.c
        with self.database.write() as con:
            row = {"id": session_id, "user_key": user_key, "version": 1, **values}
            if expected_version is None:  # last writer wins, but only over its own user's row
                insert = self.database.insert(sessions).values(row)
                stmt = insert.on_conflict_do_update(
                    index_elements=["id"],
                    set_={**{k: insert.excluded[k] for k in values}, "version": c.version + 1},
                    where=c.user_key == user_key,
                )
            elif expected_version == 0:  # a new conversation: refused if the id exists
                stmt = self.database.insert(sessions).values(row).on_conflict_do_nothing(index_elements=["id"])
            else:
                stmt = (
                    sa.update(sessions)
                    .where(c.id == session_id, c.user_key == user_key, c.version == expected_version)
                    .values(version=c.version + 1, **values)
                )
            version = con.execute(stmt.returning(c.version)).scalar()
        if version is None:
            raise _conflict(session_id)
        return int(version)

    def delete(self, session_id: str) -> int:
        with self.database.write() as con:
            return con.execute(sa.delete(sessions).where(sessions.c.id == session_id)).rowcount

    def delete_user(self, user_key: str) -> int:
        with self.database.write() as con:
            return con.execute(sa.delete(sessions).where(sessions.c.user_key == user_key)).rowcount


def _stored(row: Any) -> StoredSession:
    return StoredSession(row.id, row.user_key, json.loads(row.state), int(row.version), float(row.updated_at))
