"""One conversation's state: who the user is, what was shown, constraints, feedback, turns.

The user is bound when the session is created and never changes afterwards: tools read it from
here, never from the language model. ``save_session``/``load_session`` keep a session as JSON in the
session store (``storage.SessionStore``: SQLite in the home folder, or PostgreSQL shared by replicas), the
same store the web app's conversations live in, so ``because ask --session S`` can continue it and
"forget me" deletes it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from because.errors import InputError
from storage import SessionStore

FEEDBACK_KINDS = ("liked", "disliked", "not_interested")
_SESSION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
FORMAT_VERSION = 1


@dataclass
class Shown:
    """One recommendation as shown to the user, with the attribution it was shown with."""

    item: str
    title: str
    rank: int
    score: float
    contributions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Turn:
    role: str  # "user" | "assistant"
    text: str
    tool_calls: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Session:
    """State of one conversation. ``user`` (a known id) or ``history`` (a folded-in user) is fixed."""

    id: str
    user: str | None = None
    history: dict[str, float | None] | None = None
    shown: list[Shown] = field(default_factory=list)
    shown_before: list[str] = field(default_factory=list)  # every item shown in this conversation, oldest first
    constraints: list[str] = field(default_factory=list)
    feedback: dict[str, str] = field(default_factory=dict)
    turns: list[Turn] = field(default_factory=list)
    language: str = "en"
    k: int = 5
    focus: str | None = None  # the item the conversation is about now ("and that one?")
    last_tool: str | None = None

    def __post_init__(self) -> None:
        check_session_id(self.id)
        if (self.user is None) == (self.history is None):
            raise InputError(
                "a session needs exactly one of a user id or a history.", "pass --user ID, or rate a few items first."
            )

    @classmethod
    def new(
        cls, user: str | None = None, history: dict[str, float | None] | None = None, session_id: str | None = None
    ) -> "Session":
        return cls(
            id=session_id or uuid.uuid4().hex[:12], user=user, history=None if history is None else dict(history)
        )

    @property
    def user_key(self) -> str:
        """A stable label for the bound user (for feedback storage and logs)."""
        return f"user:{self.user}" if self.user is not None else f"session:{self.id}"

    def shown_at(self, position: int) -> Shown:
        """1-based position in the last list shown; -1 is the last one, -2 the one before it, 0 the middle one."""
        if not self.shown:
            raise InputError(
                "nothing has been recommended yet in this conversation.",
                "ask for recommendations first, or name the item.",
            )
        if position == 0:
            return self.shown[(len(self.shown) - 1) // 2]
        if -len(self.shown) <= position <= -1:
            return self.shown[position]
        if not 1 <= position <= len(self.shown):
            raise InputError(
                f"there is no item #{position}: the last list had {len(self.shown)}.",
                f"pick a position from 1 to {len(self.shown)}, or name the item.",
            )
        return self.shown[position - 1]

    def add_turn(self, role: str, text: str, tool_calls: list[dict[str, Any]] | None = None) -> None:
        self.turns.append(Turn(role, text, list(tool_calls or [])))

    # ---- persistence -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT_VERSION, **asdict(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Session":
        if data.get("format") != FORMAT_VERSION:
            raise InputError(
                f"session file format {data.get('format')!r} is not {FORMAT_VERSION}.", "start a new session."
            )
        fields = {k: v for k, v in data.items() if k != "format"}
        fields["shown"] = [Shown(**s) for s in fields.get("shown", [])]
        fields["turns"] = [Turn(**t) for t in fields.get("turns", [])]
        return cls(**fields)


def check_session_id(session_id: str) -> str:
    if not isinstance(session_id, str) or not _SESSION_ID.match(session_id):
        raise InputError(
            f"session id {session_id!r} is not valid.", "use letters, digits, '-', '_' or '.', up to 64 characters."
        )
    return session_id


def save_session(store: SessionStore, session: Session) -> int:
    """Store ``session`` under its id and user (committed before this returns); last writer wins, and a session
    id of another user is refused (``ConflictError``). Returns the stored version."""
    return store.save(check_session_id(session.id), session.user_key, session.to_dict())


def load_session(store: SessionStore, session_id: str) -> Session | None:
    """The stored session, or None if there is none. A state that does not read as a session raises InputError."""
    found = store.get(check_session_id(session_id))
    if found is None:
        return None
    try:
        return Session.from_dict(found.state)
    except (ValueError, TypeError, KeyError) as err:
        raise InputError(
            f"stored session '{session_id}' is unreadable ({err}).", "start a new session with another --session id."
        ) from err


def open_session(store: SessionStore, session_id: str | None, user: str) -> Session:
    """Continue session ``session_id`` for ``user`` or start it; a session of another user is refused."""
    if session_id is None:
        return Session.new(user=user)
    found = load_session(store, session_id)
    if found is None:
        return Session.new(user=user, session_id=session_id)
    if found.user != str(user):
        raise InputError(f"session '{session_id}' belongs to another user.", "use a new --session id for this user.")
    return found


def turned_down(feedback: Mapping[str, str]) -> set[str]:
    """Items disliked or marked not interested: never recommended again."""
    return {i for i, kind in feedback.items() if kind in ("disliked", "not_interested")}


def with_liked(history: dict[str, float | None], feedback: Mapping[str, str]) -> dict[str, float | None]:
    """``history`` with the items liked in ``feedback`` added (unrated), as the scorer folds them in."""
    history.update({i: None for i, kind in feedback.items() if kind == "liked" and i not in history})
    return history


def likes_any(feedback: Mapping[str, str]) -> bool:
    return any(kind == "liked" for kind in feedback.values())


class FeedbackStore(Protocol):
    """Where feedback lives. Session-level now; a SQLite store per user can replace it later."""

    def add(self, item: str, kind: str) -> None: ...

    def all(self) -> dict[str, str]: ...


class SessionFeedback:
    """Feedback kept in the session itself (saved with it)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, item: str, kind: str) -> None:
        if kind not in FEEDBACK_KINDS:
            raise InputError(
                f"feedback '{kind}' is not one of {', '.join(FEEDBACK_KINDS)}.",
                "use liked, disliked or not_interested.",
            )
        self.session.feedback[str(item)] = kind

    def all(self) -> dict[str, str]:
        return dict(self.session.feedback)
