"""The tools as plain functions over a ``ToolContext``: tests and the agent call these.

Each returns a ``ToolResult``: ``text`` is the compact JSON observation the language model reads
(catalogue text appears only as quoted JSON strings), ``data`` the structured result for the answer.
A function's signature (after ``ctx``) and docstring are the tool as the language model sees it:
``tools.table`` reads them once, so the docstring speaks to the model (a summary, then ``Args:``).
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Literal

import numpy as np

from because.errors import BrokenPartError, InputError
from scorer import attribution
from scorer.model import item_row
from tools import constraints as cons
from tools.context import ToolContext, ToolResult
from tools.resolve import resolve_item
from tools.session import FEEDBACK_KINDS, Shown

MAX_K = 20
HITS = 5  # search and similar-item results per call
Feedback = Literal["liked", "disliked", "not_interested"]
log = logging.getLogger(__name__)


def _observe(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)


def _check_k(k: int | None, default: int) -> int:
    if k is None:
        return default
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= MAX_K:
        raise InputError(f"k must be a whole number from 1 to {MAX_K}, got {k!r}.", "ask for e.g. k=5.")
    return k


def _contrib_dicts(expl: attribution.Explanation, n: int = 6) -> list[dict[str, Any]]:
    return [{"kind": c.kind, "label": c.label, "value": round(c.value, 4)} for c in expl.contributions[:n]]


def recommend(ctx: ToolContext, k: int | None = None, constraints: list[str] | None = None) -> ToolResult:
    """Recommend items for the user, best first.

    Args:
        k: How many items (default: as many as last time, 5 at first).
        constraints: New conditions, e.g. "genres!=Horror", "runtime<100", "year>=1995", "shorter", "more recent",
            "clear".
    """
    # the constraints in force plus the new ones; the session keeps them, and what was shown
    s = ctx.session
    k = _check_k(k, s.k)
    new = cons.normalize(constraints or [], ctx.items, ctx.schema, [x.item for x in s.shown], ctx.units)
    fresh = cons.NOT_SHOWN in new
    in_force = cons.merge(s.constraints, [c for c in new if c != cons.NOT_SHOWN])
    mask = cons.allowed_mask(ctx.items, ctx.schema, in_force)
    user = ctx.user_ref()
    exclude = ctx.excluded() | (set(s.shown_before) if fresh else set())
    recs = ctx.rec.recommend(user, k=k, exclude=exclude, allowed=mask)
    if not recs:
        raise InputError(
            f"no item meets all the constraints in force ({', '.join(in_force) or 'none'}).",
            "drop a constraint (constraints=['clear'] removes them all) and recommend again.",
        )
    explanations = [attribution.explain(ctx.rec, user, r.item_id) for r in recs]
    s.constraints, s.k, s.focus = in_force, k, None
    s.shown = [Shown(r.item_id, r.title, r.rank, r.score, _contrib_dicts(e)) for r, e in zip(recs, explanations)]
    s.shown_before += [r.item_id for r in recs if r.item_id not in s.shown_before]
    text = _observe(
        {
            "recommendations": [{"n": n, "id": r.item_id, "title": r.title} for n, r in enumerate(recs, 1)],
            "constraints": in_force,
        }
    )
    return ToolResult(text, {"recommendations": recs, "explanations": explanations, "constraints": in_force})


def explain(ctx: ToolContext, item: str) -> ToolResult:
    """Explain why an item is recommended, from the scorer's exact parts.

    Args:
        item: A title, an id, or a position in the last list such as "second" or "last".
    """
    item_id = resolve_item(ctx, item)
    expl = attribution.explain(ctx.rec, ctx.user_ref(), item_id)
    ctx.session.focus = item_id
    position = next((n for n, s in enumerate(ctx.session.shown, 1) if s.item == item_id), None)
    return ToolResult(
        _observe(
            {
                "item": item_id,
                "title": expl.title,
                "position": position,
                "rank": expl.rank,
                "score": round(expl.score, 4),
                "parts": _contrib_dicts(expl, 5),
            }
        ),
        {"explanation": expl, "position": position},
    )


def why_not(ctx: ToolContext, item: str) -> ToolResult:
    """Explain why an item is NOT recommended: its rank and what holds it back.

    Args:
        item: A title or an id.
    """
    s = ctx.session
    item_id = resolve_item(ctx, item)
    user = ctx.user_ref()
    k = len(s.shown) or s.k
    mask = cons.allowed_mask(ctx.items, ctx.schema, s.constraints)
    row = ctx.rec.index_of(item_id)
    blocked = [c for c in s.constraints if not bool(_mask_of(ctx, c)[row])]
    wn = attribution.why_not(ctx.rec, user, item_id, k=k)
    if mask is not None or ctx.excluded():
        # the list the user saw was constrained: compare with its last item, not the unconstrained k-th
        shown = ctx.rec.recommend(user, k=k, exclude=ctx.excluded(), allowed=mask)
        if shown:
            wn = _compare(ctx, user, wn, shown[-1].item_id, k)
    feedback = ctx.feedback.all().get(item_id)
    s.focus = item_id
    payload = {
        "item": item_id,
        "title": wn.title,
        "rank": wn.rank,
        "k": k,
        "gap": round(wn.gap, 4),
        "in_history": wn.in_history,
        "blocked_by_constraints": blocked,
        "your_feedback": feedback,
        "holding_back": [{"label": d.label, "difference": round(d.difference, 4)} for d in wn.holding_back[:4]],
    }
    return ToolResult(_observe(payload), {"why_not": wn, "blocked_by": blocked, "feedback": feedback})


def _mask_of(ctx: ToolContext, condition: str) -> np.ndarray:
    mask = cons.allowed_mask(ctx.items, ctx.schema, [condition])
    return np.ones(len(ctx.items), bool) if mask is None else mask


def _compare(ctx: ToolContext, user: Any, wn: attribution.WhyNot, last_id: str, k: int) -> attribution.WhyNot:
    """``wn`` redone against ``last_id`` (the last item of a constrained list)."""
    mine = {c.key: c for c in attribution.explain(ctx.rec, user, wn.item).contributions}
    last = attribution.explain(ctx.rec, user, last_id)
    theirs = {c.key: c for c in last.contributions}
    deltas = [
        attribution.Delta(
            key,
            (mine.get(key) or theirs[key]).kind,
            (mine.get(key) or theirs[key]).label,
            mine[key].value if key in mine else 0.0,
            theirs[key].value if key in theirs else 0.0,
        )
        for key in set(mine) | set(theirs)
    ]
    behind = sorted((d for d in deltas if d.difference < -attribution.NEGLIGIBLE), key=lambda d: d.difference)[:5]
    return attribution.WhyNot(
        wn.user,
        wn.item,
        wn.title,
        wn.rank,
        k,
        wn.score,
        last.item,
        last.title,
        last.score,
        last.score - wn.score,
        behind,
        wn.in_history,
    )


def what_if(ctx: ToolContext, remove: list[str] | None = None, add: list[str] | None = None) -> ToolResult:
    """Show how recommendations change if past items are removed from or added to the user's history.

    Args:
        remove: Titles the user has seen, to leave out.
        add: Titles to count as seen.
    """
    # the history is edited, not the model
    remove_ids = [resolve_item(ctx, r) for r in (remove or [])]
    add_ids = {resolve_item(ctx, a): None for a in (add or [])}
    k = len(ctx.session.shown) or ctx.session.k
    wi = attribution.what_if(ctx.rec, ctx.user_ref(), remove=remove_ids, add=add_ids, k=k)
    t = ctx.rec.title
    payload = {
        "removed": [t(i) for i in wi.removed],
        "added": [t(i) for i in wi.added],
        "entered": [t(i) for i in wi.entered],
        "left": [t(i) for i in wi.left],
        "after": [r.title for r in wi.after],
    }
    return ToolResult(_observe(payload), {"what_if": wi})


def _hits(ctx: ToolContext, hits: list[Any]) -> ToolResult:
    rows = [{"id": h.item, "title": h.title or ctx.rec.title(h.item), "score": round(float(h.score), 4)} for h in hits]
    return ToolResult(_observe({"results": rows}), {"results": rows})


_STOP = {
    "movie",
    "movies",
    "film",
    "films",
    "about",
    "with",
    "the",
    "and",
    "for",
    "find",
    "some",
    "any",
    "something",
    "anything",
    "want",
    "looking",
    "like",
    "set",
    "where",
    "that",
    "one",
    "show",
    "give",
    "please",
    "item",
    "items",
}


def _keyword_search(ctx: ToolContext, query: str, mask: np.ndarray | None, k: int) -> list[dict[str, Any]]:
    words = [w for w in re.findall(r"\w+", query.lower()) if len(w) > 2 and w not in _STOP]
    text = (
        ctx.items["title"].str.lower()
        + " "
        + (ctx.items["description"].fillna("").str.lower() if "description" in ctx.items else "")
    )
    hits = np.array([sum(w in t for w in words) for t in text], float) + 1e-6 * ctx.rec.popularity
    if mask is not None:
        hits[~mask] = -1
    order = [i for i in np.argsort(-hits, kind="stable")[:k] if hits[i] >= 1]
    return [{"id": ctx.rec.item_ids[i], "title": ctx.rec.titles[i], "score": float(hits[i])} for i in order]


def search_catalogue(ctx: ToolContext, query: str, filters: list[str] | None = None) -> ToolResult:
    """Find catalogue items matching a description.

    Args:
        query: What to look for, e.g. "a funny western".
        filters: Conditions, e.g. "year>=1990", "genres=Comedy".
    """
    # re-ranked for the bound user when the vector store is up, else words matched in titles and descriptions
    k = HITS
    if not query or not query.strip():
        raise InputError("the search query is empty.", "describe what to look for, e.g. 'a funny western'.")
    conds = cons.normalize(filters or [], ctx.items, ctx.schema, units=ctx.units)
    if ctx.store is not None:
        try:
            scores = ctx.rec.scores(ctx.user_ref())
            hits = ctx.store.personal_search(
                query, scores, ctx.rec.item_index, k=k, filters=conds or None, exclude=ctx.excluded()
            )
            return _hits(ctx, hits)
        except BrokenPartError as err:  # Chroma down or not indexed: word matching still finds titles
            log.info("vector search unavailable, using keyword search: %s", err)
    rows = _keyword_search(ctx, query, cons.allowed_mask(ctx.items, ctx.schema, conds), k)
    return ToolResult(_observe({"results": [{k_: r[k_] for k_ in ("id", "title")} for r in rows]}), {"results": rows})


def similar_to(ctx: ToolContext, item: str) -> ToolResult:
    """Find items similar to a given one.

    Args:
        item: A title, an id, or a position in the last list.
    """
    # by content in the vector store, else by who chose them together
    k = HITS
    item_id = resolve_item(ctx, item)
    ctx.session.focus = item_id
    if ctx.store is not None:
        try:
            return _hits(ctx, ctx.store.similar(item_id, k=k, exclude=ctx.excluded()))
        except BrokenPartError as err:
            log.info("vector store unavailable, using co-occurrence: %s", err)
    idx = ctx.rec.index_of(item_id)
    together = item_row(ctx.rec.params, idx).astype(float)  # (n_items,) item-item weights from this item
    together[idx] = -np.inf
    for other in ctx.excluded():
        together[ctx.rec.index_of(other)] = -np.inf
    order = np.argsort(-together, kind="stable")[:k]
    rows = [
        {"id": ctx.rec.item_ids[i], "title": ctx.rec.titles[i], "score": round(float(together[i]), 4)} for i in order
    ]
    return ToolResult(
        _observe({"like": ctx.rec.title(item_id), "results": [{"id": r["id"], "title": r["title"]} for r in rows]}),
        {"results": rows, "like": item_id},
    )


def my_profile(ctx: ToolContext) -> ToolResult:
    """Say what the assistant knows and uses about the user (history, tastes, feedback)."""
    prof = attribution.profile(ctx.rec, ctx.user_ref(), n=5)
    prof["feedback"] = {ctx.rec.title(i): kind for i, kind in ctx.feedback.all().items()}
    prof["constraints"] = list(ctx.session.constraints)
    payload = {
        "n_items": prof["n_items"],
        "top_rated": [r["title"] for r in prof["top_rated"]],
        "likes": [x["feature"] for x in prof["likes"]],
        "dislikes": [x["feature"] for x in prof["dislikes"]],
        "feedback": prof["feedback"],
        "constraints": prof["constraints"],
    }
    return ToolResult(_observe(payload), {"profile": prof})


def remember_feedback(ctx: ToolContext, item: str, feedback: Feedback) -> ToolResult:
    """Remember the user's feedback on an item for the rest of the conversation.

    Args:
        item: A title, an id, or a position in the last list.
        feedback: One of "liked", "disliked", "not_interested".
    """
    # liked items join the history at once; the others are never recommended again in the session
    kind = str(feedback).strip().lower().replace(" ", "_").replace("-", "_")
    if kind not in FEEDBACK_KINDS:
        raise InputError(
            f"feedback '{feedback}' is not one of {', '.join(FEEDBACK_KINDS)}.",
            "use liked, disliked or not_interested.",
        )
    item_id = resolve_item(ctx, item)
    ctx.feedback.add(item_id, kind)
    ctx.session.focus = item_id
    effect = "folded into your history" if kind == "liked" else "will not be recommended again in this session"
    title = ctx.rec.title(item_id)
    return ToolResult(
        _observe({"item": item_id, "title": title, "feedback": kind, "effect": effect}),
        {"item": item_id, "title": title, "feedback": kind},
    )
