"""Arguments for a tool chosen by the intent model, read from the message without a language model.

The intent model says *which* tool; this says *on what*: the title or list position named, the
constraints stated, the search words. ``None`` means a required argument is not in the message
(the router then asks the language model, or answers with a question).
"""

from __future__ import annotations

from typing import Any

from assistant.routing.conditions import Lexicon, absolute_filters, constraints_in, search_query
from assistant.routing.titles import HYPOTHETICAL_REMOVE, TitleFinder, feedback_kind, position_in
from tools.session import Session


def item_ref(text: str, session: Session, finder: TitleFinder, *, other_only: bool = False) -> str | None:
    """The one title (or list position) the message names, or None."""
    mentions = [m for m in finder.find(text, session) if not (other_only and m.shown)]
    if mentions:
        return mentions[0].text
    if not other_only:  # with nothing shown yet the tool says so ("ask for recommendations first")
        return position_in(text)
    return None


def args_for(tool: str, text: str, session: Session, finder: TitleFinder, lex: Lexicon) -> dict[str, Any] | None:
    """Arguments for ``tool`` from ``text``; None when a required one is missing."""
    if tool in ("my_profile", "answer"):
        return {}
    if tool == "recommend":
        found, k = constraints_in(text, lex)
        return {**({"constraints": found} if found else {}), **({"k": k} if k else {})}
    if tool == "search_catalogue":
        filters = absolute_filters(constraints_in(text, lex)[0])
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
