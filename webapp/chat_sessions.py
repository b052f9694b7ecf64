"""The JSON API's chat sessions: stored in the shared session store after every turn, so a conversation started
on one replica continues on another; a few recent ones are also kept here, built, as long as the store says
nobody else has changed them since.

Concurrency is optimistic (``storage.sessions``): a turn is saved only over the version it started from; if
another turn (on any replica) saved first, ``save`` raises ``ConflictError`` and the caller answers 409.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from tools import Session
from webapp.conversation import Conversation, Identity
from webapp.services import Services

MAX_KEPT = 256  # conversations kept built in this process (the store keeps all of them)


def _anonymous(key: str) -> bool:
    return key.startswith("session:")


class ChatSessions:
    def __init__(self, services: Services, max_kept: int = MAX_KEPT) -> None:
        self.services, self.max_kept = services, max_kept
        self._kept: OrderedDict[str, tuple[Conversation, int]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._kept)

    def resume(self, session_id: str, fresh: Identity) -> tuple[Conversation, int] | None:
        """Conversation ``session_id`` as last stored, and its version; None if there is none or it is another
        person's (a signed-in customer's needs their token; an anonymous one is anyone's without a valid token)."""
        stored = self.services.sessions.get(session_id) if self.services.sessions is not None else None
        if stored is None or not (
            stored.user_key == fresh.key or (_anonymous(stored.user_key) and fresh.token_status != "valid")
        ):
            with self._lock:
                self._kept.pop(session_id, None)
            return None
        identity = (
            fresh if stored.user_key == fresh.key else Identity(stored.user_key, None, "new user", fresh.token_status)
        )
        with self._lock:
            kept = self._kept.get(session_id)
            if kept is not None and kept[1] == stored.version and kept[0].identity.key == stored.user_key:
                self._kept.move_to_end(session_id)
                kept[0].identity = identity
                return kept
        return Conversation(self.services, identity, session=Session.from_dict(stored.state)), stored.version

    def save(self, conv: Conversation, version: int) -> int:
        """Store ``conv``'s state over ``version`` (0: a new conversation); the new version. ``ConflictError`` if
        the stored one moved on meanwhile (this turn's state is then dropped here too)."""
        assert self.services.sessions is not None
        try:
            saved = self.services.sessions.save(conv.session_id, conv.identity.key, conv.session.to_dict(), version)
        except Exception:
            with self._lock:
                self._kept.pop(conv.session_id, None)
            raise
        with self._lock:
            self._kept[conv.session_id] = (conv, saved)
            self._kept.move_to_end(conv.session_id)
            while len(self._kept) > self.max_kept:
                self._kept.popitem(last=False)
        return saved

    def drop_user(self, key: str) -> None:
        """Forget the built conversations of ``key`` here (the store's rows go with ``FeedbackDB.forget``)."""
        with self._lock:
            for sid in [s for s, (c, _) in self._kept.items() if c.identity.key == key]:
                del self._kept[sid]
