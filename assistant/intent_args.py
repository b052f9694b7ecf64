"""Arguments for a tool chosen by the intent model, read from the message without a language model.

The intent model says *which* tool; this says *on what*: the title or list position named, the
constraints stated, the search words. ``None`` means a required argument is not in the message
(the router then asks the language model, or answers with a question).
"""

from __future__ import annotations

from typing import Any

from assistant.fast_routes import Lexicon, constraints_in, search_query
from assistant.session import Session
from assistant.title_intent import DISLIKED, HYPOTHETICAL_REMOVE, LIKED, NOT_INTERESTED, TitleFinder, position_in


def item_ref(text: str, session: Session, finder: TitleFinder, *, shown_only: bool = False, other_only: bool = False) -> str | None:
    """The one title (or list position) the message names, or None."""
    mentions = finder.find(text, session)
    if shown_only:
        mentions = [m for m in mentions if m.shown]
    if other_only:
        mentions = [m for m in mentions if not m.shown]
    if mentions:
        return mentions[0].text
    if not other_only:  # with nothing shown yet the tool says so ("ask for recommendations first")
        return position_in(text)
    return None


def feedback_kind(text: str) -> str | None:
    for pattern, kind in ((NOT_INTERESTED, "not_interested"), (DISLIKED, "disliked"), (LIKED, "liked")):
        if pattern.search(text):
            return kind
    return None


def args_for(tool: str, text: str, session: Session, finder: TitleFinder, lex: Lexicon) -> dict[str, Any] | None:
    """Arguments for ``tool`` from ``text``; None when a required one is missing."""
    if tool in ("my_profile", "answer"):
        return {}
    if tool == "recommend":
        found, k = constraints_in(text, lex)
        return {**({"constraints": found} if found else {}), **({"k": k} if k else {})}
    if tool == "search_catalogue":
        found, _ = constraints_in(text, lex)
        filters = [c for c in found if c.startswith(("genres=", "year", "runtime")) and "!=" not in c]
        return {"query": search_query(text), **({"filters": filters} if filters else {})}
    if tool in ("explain", "similar_to"):
        item = item_ref(text, session, finder) or (session.focus if tool == "explain" and session.focus else None)
        return {"item": item} if item else None
    if tool == "why_not":
        item = item_ref(text, session, finder, other_only=True)
        return {"item": item} if item else None
    if tool == "remember_feedback":
        item = item_ref(text, session, finder) or session.focus
        kind = feedback_kind(text)
        return {"item": item, "feedback": kind} if item and kind else None
    if tool == "what_if":
        titles = [m.text for m in finder.find(text, session)]
        if not titles:
            return None
        return {"remove": titles} if HYPOTHETICAL_REMOVE.search(text) else {"add": titles}
    return None
