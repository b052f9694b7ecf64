"""One person's conversation: who they are (from a token, a demo pick, or nobody), and one chat turn.

A turn goes through the assistant (``assistant.Assistant.respond``). If the assistant breaks, the turn
degrades to plain recommendations with the scorer's exact attribution and the checked template
explanations, so the user always gets picks and reasons.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assistant import Answer, Assistant
from assistant.explaining import ClaimChecker, facts_for, template_item
from assistant.llm import session_scope
from assistant.replies import notice, reply_for, search_notice
from scorer import Explanation, History, UserRef, explain
from tools import Session
from tools.session import likes_any, turned_down, with_liked
from webapp.feedback_store import UserFeedback
from webapp.services import Services, WatchedStore
from webapp.tokens import check_token

log = logging.getLogger(__name__)
Emit = Callable[[str, Any], None]


@dataclass(frozen=True)
class Identity:
    key: str  # feedback-store key: "user:<id>" (signed in / demo pick) or "session:<hex>" (anonymous)
    user: str | None  # the id the model knows this person by; None for a new user
    label: str  # what the page shows
    token_status: str = "missing"


def guest(status: str = "missing") -> Identity:
    return Identity(f"session:{uuid.uuid4().hex[:16]}", None, "new user", status)


def from_token(services: Services, token: str | None) -> Identity:
    """The customer a valid token names; anyone else is a fresh anonymous new user."""
    sub, status = check_token(token, services.secret)
    if sub is None:
        return guest(status)
    known = services.rec is not None and sub in services.rec.histories
    return Identity(
        f"user:{sub}", sub if known else None, f"customer {sub}" if known else f"customer {sub} (new)", status
    )


def demo_user(services: Services, user: str) -> Identity:
    """Demo mode only: act as a user of the public data set."""
    rec = services.require_rec()
    rec.history(user)  # UnknownIdError for an unknown id
    return Identity(f"user:{user}", str(user), f"{rec.dataset} user {user}", "demo")


class Conversation:
    """Not thread-safe: one per browser session or API session id. ``session``: continue that stored state (what
    was shown, constraints, turns), e.g. one another replica started; else a fresh one."""

    def __init__(self, services: Services, identity: Identity, session: Session | None = None) -> None:
        self.services, self.identity = services, identity
        self.feedback = UserFeedback(services.db, identity.key)
        self.session_id = session.id if session is not None else uuid.uuid4().hex[:12]
        self.session: Session
        self._assistant: Assistant | None = None
        self._assistant_llm: Any = None
        self._claims: ClaimChecker | None = None
        self._claims_rec: Any = None
        if session is not None:
            self.session = session
        else:
            self.reset()

    # ---- what the scorer sees ----------------------------------------------------------------
    def ratings(self) -> dict[str, float | None]:
        return self.services.db.ratings(self.identity.key)

    def base_history(self) -> History:
        rec = self.services.require_rec()
        base = rec.history(self.identity.user) if self.identity.user is not None else {}
        base.update({i: r for i, r in self.ratings().items() if i in rec.item_index})
        return base

    def user_ref(self) -> UserRef:
        """The model's id while nothing was added here; else the history with ratings and likes folded in."""
        feedback = self.feedback.all()
        if self.identity.user is not None and not likes_any(feedback) and not self.ratings():
            return self.identity.user
        return with_liked(self.base_history(), feedback)

    def excluded(self) -> set[str]:
        return turned_down(self.feedback.all())

    def attribution(self, item: str) -> Explanation:
        return explain(self.services.require_rec(), self.user_ref(), item)

    def templates(self, items: list[str], language: str) -> list[dict[str, Any]]:
        """The checked template explanation of each item (what the chat shows until the model's text is in);
        the history is read once for all of them."""
        rec, user, checker = self.services.require_rec(), self.user_ref(), self.checker()
        return [template_item(facts_for(explain(rec, user, item)), language, checker).public() for item in items]

    def checker(self) -> ClaimChecker:
        """The claim checker for this shop (its titles, feature labels and own aliases), built once."""
        rec = self.services.require_rec()
        if self._claims is None or self._claims_rec is not rec:
            aliases = getattr(self.services.catalogue, "aliases", None)
            self._claims, self._claims_rec = ClaimChecker.of(rec.titles, rec.feature_labels, aliases), rec
        return self._claims

    # ---- changes -----------------------------------------------------------------------------
    def reset(self) -> None:
        """A fresh assistant session (same person): after new ratings or Forget me."""
        if self.identity.user is not None and not self.ratings():
            self.session = Session.new(user=self.identity.user, session_id=self.session_id)
        else:
            self.session = Session.new(history=self.base_history(), session_id=self.session_id)
        self._assistant = None

    def rate(self, ratings: dict[str, float]) -> None:
        """A new user's cold-start ratings: kept, and folded in at once (no retraining)."""
        rec = self.services.require_rec()
        rec.fold_in(ratings)  # checks ids and numbers
        self.services.db.add_many(
            self.identity.key, {item: float(r) for item, r in ratings.items()}, "rated"
        )  # all or nothing
        self.reset()

    def give_feedback(self, item: str, kind: str) -> None:
        self.services.require_rec().index_of(item)
        self.feedback.add(item, kind)

    def forget(self) -> int:
        """Delete this person's feedback, ratings and stored conversations (on every replica: one database)."""
        n = self.services.db.forget(self.identity.key)
        self.reset()
        return n

    # ---- one turn ----------------------------------------------------------------------------
    def _get_assistant(self) -> Assistant:
        llm = self.services.llm
        if self._assistant is None or self._assistant_llm is not llm:
            s = self.services
            self._assistant = Assistant(
                s.require_rec(),
                self.session,
                catalogue=s.catalogue,
                store=s.store,
                llm=llm,
                llm_explanations=s.settings.llm_explanations,
            )
            self._assistant.ctx.feedback = self.feedback  # thumbs and "not interested" count at once, and persist
            self._assistant_llm = llm
        return self._assistant

    def turn(self, message: str, on_event: Emit | None = None) -> Answer:
        emit = on_event or (lambda _k, _p: None)
        # no silent cut: a message over guard.MAX_MESSAGE_CHARS gets the guard's "too long" answer, and nothing is
        # stored
        self.services.require_rec()
        try:
            # fair turns at the local model, at most llm_timeout_s of it per turn in all
            with (
                session_scope(f"conversation:{self.session_id}", self.services.settings.llm_timeout_s),
                WatchedStore.watch() as store_failures,
            ):
                answer = self._get_assistant().respond(message, on_event=emit)
        except Exception:  # noqa: BLE001 - the user still gets recommendations and reasons
            log.exception("assistant failed: plain recommendations")
            return self.plain_turn(emit)
        answer.notice = " ".join(n for n in (answer.notice, search_notice(store_failures)) if n) or None
        return answer

    def plain_turn(self, emit: Emit, k: int = 5) -> Answer:
        """Recommendations + exact attribution + checked template texts; no language model, no agent."""
        rec = self.services.require_rec()
        user = self.user_ref()
        recs = rec.recommend(user, k=k, exclude=self.excluded())
        rows = [{"item": r.item_id, "title": r.title, "score": round(r.score, 4), "rank": r.rank} for r in recs]
        emit("recommendations", rows)
        reply = reply_for("recommend", {"recommendations": recs}, "en", rec)
        emit("reply", reply)
        texts = self.templates([r.item_id for r in recs], "en")
        for d in texts:
            emit("explanation", d)
        return Answer(
            reply,
            "en",
            [{"name": "recommend", "args": {"k": k}}],
            rows,
            texts,
            [],
            notice("assistant_down"),
            degraded=True,
        )
