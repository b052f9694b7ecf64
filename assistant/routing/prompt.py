"""What the language model is shown when it routes, and what is kept of its answer.

The prompt is a stable prefix (``prompts/router.md``: llama.cpp reuses its cache) followed by a short,
changing tail (``context_block``): similar labelled requests, what was shown, the constraints in
force, the message. The answer is constrained to ``schema_for(tools)``: the tool enum narrowed to the
candidates the router allows, the arguments those of the tool table (``tools.argument_properties``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from assistant.routing.intent_model import Example
from because.errors import InputError
from catalogue.units import dimension
from tools import PARAMS, TOOL_NAMES, Session, argument_properties
from vectorstore.filters import parse_condition

ROUTES: tuple[str, ...] = (*TOOL_NAMES, "answer")
ROUTER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "tool": {"type": "string", "enum": list(ROUTES)},
        "args": {"type": "object", "properties": argument_properties()},
    },
    "required": ["tool", "args"],
}
_CONDITION_LIKE = re.compile(
    r"^[\w' -]+?\s*(?:!=|>=|<=|=|<|>)\s*[\w.,' -]+$"
    r"|^(?:shorter|longer|more recent|newer|recent|older|cheaper|pricier|more expensive|lighter|heavier"
    r"|fewer pages|more pages|not shown|clear"
    r"|(?:no|not|without|only|just)\s+[\w' -]+)$",
    re.I,
)


def _column_of(condition: str) -> str | None:
    """The column a condition names ('price<200' -> 'price'); None for words like "shorter"."""
    try:
        return parse_condition(condition).column
    except InputError:
        return None


_SLOTS = re.compile(r"\{shown\d\}|\{seen2?\}|\{unseen\}")


FILM_EXAMPLES = (
    '"genres!=Horror", "genres=Comedy", "runtime<100", "year>=1995", "shorter", "longer", "more recent", "older", '
    '"not shown", "clear"'
)
RELATIVE_BY_DIMENSION = {
    "money": ("cheaper", "pricier"),
    "mass": ("lighter", "heavier"),
    "pages": ("fewer pages", "more pages"),
    "duration": ("shorter", "longer"),
    "year": ("more recent", "older"),
}


def constraint_examples(values: dict[str, list[str]], units: dict[str, str], genres: Sequence[str]) -> str:
    """The constraint examples the router prompt shows, in this catalogue's own columns and values."""
    if genres and "runtime" in units:
        return FILM_EXAMPLES  # the films' examples, as the prompt has always had them (its cache prefix)
    out: list[str] = []
    for column, names in list(values.items())[:2]:
        if names:
            out += [f'"{column}={names[0]}"', f'"{column}!={names[-1]}"']
    relative: list[str] = []
    for column, unit in units.items():
        dim = dimension(unit)
        if dim in ("money", "mass", "pages", "duration"):
            out.append(f'"{column}<{ {"money": 200, "mass": 2000, "pages": 300, "duration": 100}[dim] }"')
            relative += list(RELATIVE_BY_DIMENSION[dim])
        elif dim == "year":
            out.append(f'"{column}>=2010"')
            relative += list(RELATIVE_BY_DIMENSION[dim])
    return ", ".join(out + [f'"{w}"' for w in relative] + ['"not shown"', '"clear"'])


def schema_for(tools: Sequence[str]) -> dict[str, Any]:
    """The router schema with the tool enum narrowed to ``tools``."""
    properties = {**ROUTER_SCHEMA["properties"], "tool": {"type": "string", "enum": list(tools)}}
    return {**ROUTER_SCHEMA, "properties": properties}


def example_line(example: Example) -> str:
    """A labelled example as a worked routing line, its title placeholders written as a title."""
    text = _SLOTS.sub(lambda m: "[a title on the list]" if "shown" in m.group(0) else "[another title]", example.text)
    return f"{json.dumps(text, ensure_ascii=False)} -> {example.tool}"


def context_block(session: Session, message: str, n_shown: int = 5, examples: Sequence[Example] = ()) -> str:
    """The changing tail of the router prompt. Titles go in as JSON strings: data, not instructions."""
    lines = []
    if examples:
        lines.append("Similar requests: " + "; ".join(example_line(e) for e in examples))
    if session.shown:
        shown = session.shown[:n_shown]
        lines.append(
            "Shown: " + " | ".join(f"{i} {json.dumps(s.title, ensure_ascii=False)}" for i, s in enumerate(shown, 1))
        )
    if session.constraints:
        lines.append("Constraints: " + ", ".join(session.constraints))
    lines.append("Message: " + json.dumps(message.strip()[:500], ensure_ascii=False))
    return "\n".join(lines)


def clean_args(
    tool: str, args: dict[str, Any], session: Session, columns: Sequence[str] | None = None
) -> dict[str, Any]:
    """Keep the arguments ``tool`` takes, drop empty ones, fix common slips of small models. With ``columns``
    (the catalogue's), a constraint on any other column is dropped (a film column asked of a gear shop)."""
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
        if columns is not None:
            kept = [c for c in kept if _column_of(c) is None or _column_of(c) in columns]
        if kept:
            out["constraints"] = kept
        else:
            out.pop("constraints")
    return out
