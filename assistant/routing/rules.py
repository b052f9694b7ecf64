"""Deterministic routes for unambiguous messages (English and Chinese), tried before the language model.

A route is only a decision (tool name + arguments); the tool still runs through the agent like any
other call, so fast and model-routed turns are recorded and answered the same way.
"""

from __future__ import annotations

import re
from typing import Any

from assistant import guard
from assistant.routing.conditions import Lexicon, absolute_filters, constraints_in, search_query
from assistant.routing.decision import Decision
from assistant.routing.phrasings import (
    ANSWER,
    END,
    EXPLAIN_POS,
    EXPLAIN_TITLE,
    FEEDBACK,
    FEEDBACK_SHOWN,
    FILLER,
    FOLLOW_POS,
    GENRE_ASK,
    OTHER_INTENT,
    OUT_OF_SCOPE,
    PERSONAL,
    PROFILE,
    PROFILE_GENRE,
    RECOMMEND,
    RECOMMEND_ASK,
    SEARCH,
    SEARCH_VERB,
    SIMILAR,
    TAIL_EN,
    TAIL_ZH,
    WHAT_IF,
    WHY_NOT,
)
from assistant.routing.titles import TitleFinder, title_route
from tools.resolve import parse_position, title_key
from tools.session import Session


def _item_text(x: str) -> str:
    x = TAIL_EN.sub("", x.strip().strip(END))
    x = TAIL_ZH.sub("", x).strip()
    x = re.sub(r"^(?:the\s+(?:movie|film)\s+|movie\s+|film\s+)", "", x, flags=re.I)
    return x.strip().strip("\"'“”‘’《》「」 ")


def looks_like_hijack(message: str) -> bool:
    """Asks for the instructions, to act for someone else, to force an item, to insult, or smuggles tool
    arguments (``guard.injection_kind``). The user stays bound and the list stays the scorer's regardless."""
    return guard.injection_kind(message) is not None


_INCLUDE = re.compile(r"^\w+=(?![\d.]+(?:\.\.[\d.]+)?$)[^=]+$")


def _genre_request(text: str, lex: Lexicon) -> bool:
    """'only comedies', 'westerns please', '只看喜剧': the message is a genre and nothing else."""
    m = GENRE_ASK.match(text)
    return m is not None and lex.genre((m.group("g") or m.group("zg") or "").strip()) is not None


def _shown_match(text: str, session: Session) -> bool:
    key = title_key(text)
    return bool(key) and any(title_key(s.title) == key for s in session.shown)


def _first(patterns: list[re.Pattern[str]], text: str) -> re.Match[str] | None:
    for p in patterns:
        m = p.match(text)
        if m:
            return m
    return None


def _several(x: str, session: Session, titles: TitleFinder | None) -> list[str]:
    """'Star Wars and Contact' -> both titles, when every part is a catalogue title; else the text as one item."""
    parts = [p.strip() for p in re.split(r"\s+and\s+|\s*[,、，]\s*|和|与", x) if p.strip()]
    if titles is not None and len(parts) >= 2 and all(title_key(p) in titles.keys for p in parts):
        return parts
    return [x]


def fast_route(message: str, session: Session, lex: Lexicon, titles: TitleFinder | None = None) -> Decision | None:
    """A decision for an unambiguous message, or None to ask the language model. ``titles`` finds
    catalogue titles in free wording (``title_intent``) once the fixed phrasings have had their turn."""
    text = " ".join(message.strip().strip(END).split())
    text = re.sub(r"^(?:ok(?:ay)?|so|hmm+|well|hey|好的|那么|嗯)[,，\s]+", "", text, flags=re.I)
    if not text:
        return None
    text = FILLER.sub("", text) or text
    if ANSWER.match(text) or looks_like_hijack(text) or OUT_OF_SCOPE.search(text):
        return Decision("answer", {}, firm=True)
    m = PROFILE_GENRE.match(text)
    if m and lex.genre(_item_text(m.group("x") or m.group("zx") or "")) is not None:
        return Decision("my_profile", {})
    m = _first(EXPLAIN_POS, text)
    if m and parse_position(m.group("pos")) is not None:
        return Decision("explain", {"item": m.group("pos").strip()})
    m = _first(FOLLOW_POS, text)
    if m and session.shown and parse_position(m.group("pos")) is not None:
        tool = session.last_tool if session.last_tool in ("explain", "why_not", "similar_to") else "explain"
        return Decision(tool, {"item": m.group("pos").strip()}, firm=True)
    m = _first(WHY_NOT, text)
    if m:
        x = _item_text(m.group("x"))
        if x and lex.genre(x) is None:
            return Decision("explain" if _shown_match(x, session) else "why_not", {"item": x})
    for pattern, direction in WHAT_IF:
        m = pattern.match(text)
        if m and _item_text(m.group("x")):
            x = _item_text(m.group("x"))
            return Decision("what_if", {direction: _several(x, session, titles)})
    routed = title_route(text, session, titles) if titles is not None else None
    if routed is not None:
        return Decision(*routed)
    if PROFILE.search(text) and not RECOMMEND_ASK.search(text):
        return Decision("my_profile", {})
    m = _first(EXPLAIN_TITLE, text)
    if m and _shown_match(_item_text(m.group("x")), session):
        return Decision("explain", {"item": _item_text(m.group("x"))})
    for pattern, kind in FEEDBACK:
        m = pattern.match(text)
        if not m:
            continue
        x = _item_text(m.group("x"))
        genre = lex.genre(x) if x else None
        if genre is not None:  # "I don't like horror" is a constraint, not feedback on an item
            return Decision("recommend", {"constraints": [f"genres{'=' if kind == 'liked' else '!='}{genre}"]})
        if x.lower() in ("it", "that", "this", "that one", "this one", "这个", "那个", "这部", "那部") or not x:
            if session.focus is None:
                return None
            return Decision("remember_feedback", {"item": session.focus, "feedback": kind}, firm=True)
        return Decision("remember_feedback", {"item": x, "feedback": kind})
    for pattern, kind in FEEDBACK_SHOWN:
        m = pattern.match(text)
        if m and _shown_match(_item_text(m.group("x")), session):
            return Decision("remember_feedback", {"item": _item_text(m.group("x")), "feedback": kind})
    m = _first(SIMILAR, text)
    if m and _item_text(m.group("x")) and lex.genre(_item_text(m.group("x"))) is None:
        return Decision("similar_to", {"item": _item_text(m.group("x"))})
    found, k = constraints_in(text, lex)
    only_genres = all(c.startswith("genres=") for c in found)
    # a search phrasing ("find me a waterproof jacket") stays a search when all it wants are values (a genre, a
    # category, a tag): as it did with genres alone before a shop's other columns were read
    only_values = all(_INCLUDE.match(c) for c in found)
    m = _first(SEARCH, text)
    if m and _item_text(m.group("x")) and only_values:
        return Decision("search_catalogue", {"query": _item_text(m.group("x"))})
    # "are there any westerns under 100 minutes?", "1995年上映的动画片有哪些": a catalogue question with absolute
    # filters (a year, a length) is a search; "anything shorter?", "recommend 90s films" stay recommendations
    if (
        found
        and any(c.startswith(("year", "runtime")) for c in found)
        and absolute_filters(found) == found
        and SEARCH_VERB.search(text)
        and not PERSONAL.search(text)
    ):
        return Decision("search_catalogue", {"query": search_query(text), "filters": found})
    # "a space adventure" may be a search: genre words alone do not make a recommendation request
    if OTHER_INTENT.search(text) and not (found and not only_genres):
        return None  # "why ...", "like <title>", "about ...": not plainly a request for a list; the model decides
    if (found and not only_genres) or RECOMMEND.search(text) or _genre_request(text, lex):
        args: dict[str, Any] = {}
        if k is not None:
            args["k"] = k
        if found:
            args["constraints"] = found
        return Decision("recommend", args)
    return None
