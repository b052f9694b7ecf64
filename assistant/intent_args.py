"""Arguments for a tool chosen by the intent model, read from the message without a language model.

The intent model says *which* tool; this says *on what*: the title or list position named, the
constraints stated, the search words. ``None`` means a required argument is not in the message
(the router then asks the language model, or answers with a question).
"""

from __future__ import annotations

import re
from typing import Any

from assistant.fast_routes import Lexicon, constraints_in
from assistant.session import Session
from assistant.title_intent import DISLIKED, LIKED, NOT_INTERESTED, TitleFinder, position_in

# "what if I hadn't seen X" removes X; "what if I had seen X" / "pretend I watched X" adds it
_REMOVE = re.compile(r"\b(?:had\s*n'?t|have\s*n'?t|had\s+not|never|not|didn'?t|without|remove\w*|forget|drop\w*|delete\w*|take\w*\s+out|out\s+of|minus|ignore\w*|un-?see\w*)\b"
                     r"|没|未|不算|去掉|删|排除|除去|拿掉|忽略|不看", re.I)
_FILLER = re.compile(r"^(?:(?:can|could|would)\s+(?:you|u)\s+|please\s+|pls\s+|i(?:'m|\s+am)\s+looking\s+for\s+|i\s+want\s+|find\s+(?:me\s+)?|search\s+(?:for\s+)?"
                     r"|show\s+me\s+|are\s+there\s+(?:any\s+)?|is\s+there\s+(?:a|an|any)\s+|do\s+you\s+have\s+(?:any\s+)?|any(?:thing|one)?\s+|something\s+)+"
                     r"|^(?:有没有|有没|帮我找|帮我搜|找一?下|搜一?下|我想找|我想看)+", re.I)


def item_ref(text: str, session: Session, finder: TitleFinder, *, shown_only: bool = False, other_only: bool = False) -> str | None:
    """The one title (or list position) the message names, or None."""
    mentions = finder.find(text, session)
    if shown_only:
        mentions = [m for m in mentions if m.shown]
    if other_only:
        mentions = [m for m in mentions if not m.shown]
    if mentions:
        return mentions[0].text
    if not other_only and session.shown:
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
        query = _FILLER.sub("", text.strip().rstrip("?？!！.。")).strip() or text.strip()
        return {"query": query[:200]}
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
        return {"remove": titles} if _REMOVE.search(text) else {"add": titles}
    return None
