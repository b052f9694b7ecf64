"""Choosing the tool for a message: deterministic fast routes first, then the language model
asked for a JSON-schema-constrained decision ``{"tool": ..., "args": {...}}``.

Small local models write tool calls as prose-wrapped JSON, so native tool calling is unreliable;
a grammar-constrained decision is not. The prompt is a stable prefix (llama.cpp reuses its cache)
followed by a short, changing tail: what was shown, the constraints in force, the message.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from assistant.fast_routes import Decision, Lexicon, constraints_in, fast_route, looks_like_hijack
from assistant.session import FEEDBACK_KINDS, Session
from assistant.title_intent import finder_for
from tools import PARAMS, TOOL_NAMES

ROUTES = (*TOOL_NAMES, "answer")
ROUTER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "tool": {"type": "string", "enum": list(ROUTES)},
        "args": {
            "type": "object",
            "properties": {
                "item": {"type": "string"},
                "k": {"type": "integer"},
                "constraints": {"type": "array", "items": {"type": "string"}},
                "remove": {"type": "array", "items": {"type": "string"}},
                "add": {"type": "array", "items": {"type": "string"}},
                "query": {"type": "string"},
                "filters": {"type": "array", "items": {"type": "string"}},
                "feedback": {"type": "string", "enum": list(FEEDBACK_KINDS)},
            },
        },
    },
    "required": ["tool", "args"],
}
ROUTER_MAX_TOKENS = 80
_CONDITION_LIKE = re.compile(r"^[\w' -]+?\s*(?:!=|>=|<=|=|<|>)\s*[\w.,' -]+$|^(?:shorter|longer|more recent|newer|recent|older|not shown|clear"
                             r"|(?:no|not|without|only|just)\s+[\w' -]+)$", re.I)


def render_prompt(name: str, **values: Any) -> str:
    """A prompt file from the prompts package; a missing variable raises."""
    from prompts import render

    return render(name, **values)


def context_block(session: Session, message: str, n_shown: int = 5) -> str:
    """The changing tail of the router prompt. Titles go in as JSON strings: data, not instructions."""
    lines = []
    if session.shown:
        lines.append("Shown: " + " | ".join(f"{i} {json.dumps(s.title, ensure_ascii=False)}" for i, s in enumerate(session.shown[:n_shown], 1)))
    if session.constraints:
        lines.append("Constraints: " + ", ".join(session.constraints))
    lines.append("Message: " + json.dumps(message.strip()[:500], ensure_ascii=False))
    return "\n".join(lines)


def clean_args(tool: str, args: dict[str, Any], session: Session) -> dict[str, Any]:
    """Keep the arguments ``tool`` takes, drop empty ones, fix common slips of small models."""
    if tool == "answer":
        return {}
    out = {k: v for k, v in (args or {}).items() if k in PARAMS[tool] and v not in (None, "", [], {})}
    item = out.get("item")
    if tool == "explain" and isinstance(item, str) and item.strip().isdigit():
        # "why the 2nd one?" often comes back as "2": a position if it is not an id on the list
        n = int(item)
        if 1 <= n <= len(session.shown) and item.strip() not in {s.item for s in session.shown}:
            out["item"] = f"#{n}"
    if tool == "remember_feedback" and "feedback" not in out:
        out["feedback"] = "liked"
    if tool == "recommend" and isinstance(out.get("k"), int) and not 1 <= out["k"] <= 20:
        out.pop("k")
    if tool == "recommend" and isinstance(out.get("constraints"), list):
        # small models sometimes put a tool name or a title here: keep only what reads as a condition
        kept = [c for c in out["constraints"] if isinstance(c, str) and _CONDITION_LIKE.match(c.strip())]
        if kept:
            out["constraints"] = kept
        else:
            out.pop("constraints")
    return out


class Router:
    """Decides one step. ``llm`` may be None (rules only; anything else gets a help answer)."""

    def __init__(self, llm: Any | None, *, catalogue: str, genres: list[str], titles: Sequence[str] = ()) -> None:
        self.llm = llm
        self.lexicon = Lexicon(genres)
        self.titles = finder_for(tuple(titles))
        self.system = render_prompt("router.md", catalogue=catalogue, genres=", ".join(genres) or "(none)")

    def messages(self, session: Session, message: str) -> list[Any]:
        from langchain_core.messages import HumanMessage, SystemMessage

        return [SystemMessage(self.system), HumanMessage(context_block(session, message))]

    def fast(self, session: Session, message: str) -> Decision | None:
        return fast_route(message, session, self.lexicon, self.titles)

    def ask_model(self, session: Session, message: str) -> Decision:
        """The language model's decision; raises LanguageModelError if it is down, slow or garbled."""
        from assistant.llm_backend import complete_json
        from because.errors import LanguageModelError

        if self.llm is None:
            raise LanguageModelError("no language model is configured.")
        value = complete_json(_short_output(self.llm), self.messages(session, message), ROUTER_SCHEMA, name="route")
        tool = value["tool"]
        if tool not in ROUTES:
            raise LanguageModelError(f"the language model chose an unknown tool {tool!r}.")
        return Decision(tool, clean_args(tool, value.get("args") or {}, session), "llm")

    def fallback(self, session: Session, message: str) -> Decision:
        """Without a model: recommendations under any constraints the message states."""
        found, k = constraints_in(message, self.lexicon)
        args: dict[str, Any] = {}
        if found:
            args["constraints"] = found
        if k:
            args["k"] = k
        return Decision("recommend", args, "fallback")


def _short_output(llm: Any) -> Any:
    """The same endpoint with a small output budget and no sampling noise, for routing."""
    try:
        return llm.model_copy(update={"max_tokens": ROUTER_MAX_TOKENS, "temperature": 0.0})
    except (AttributeError, TypeError, ValueError):
        return llm
