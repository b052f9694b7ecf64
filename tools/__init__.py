"""The agent's tools: thin typed wrappers over ``tools.functions``, bound to one session's user.

    ctx = ToolContext.build(rec, session, catalogue)
    tools = make_tools(ctx)            # LangChain tools for create_agent
    run_tool(ctx, "why_not", {"item": "Star Wars"})   # same path, without LangChain

No tool takes a user: the user is the session's, so a message naming someone else cannot reach
their data. A failing tool returns "Error: ..." saying what to try next.
"""

from __future__ import annotations

import logging
from typing import Any

from langchain_core.tools import BaseTool, tool

from because.errors import BecauseError
from tools import functions
from tools.context import ToolContext, catalogue_view
from tools.functions import ToolResult

log = logging.getLogger(__name__)

TOOL_NAMES = ("recommend", "explain", "why_not", "what_if", "search_catalogue", "similar_to", "my_profile", "remember_feedback")
PARAMS: dict[str, tuple[str, ...]] = {
    "recommend": ("k", "constraints"), "explain": ("item",), "why_not": ("item",), "what_if": ("remove", "add"),
    "search_catalogue": ("query", "filters"), "similar_to": ("item",), "my_profile": (), "remember_feedback": ("item", "feedback"),
}

__all__ = ["PARAMS", "TOOL_NAMES", "ToolContext", "ToolResult", "catalogue_view", "make_tools", "run_tool"]


def run_tool(ctx: ToolContext, name: str, args: dict[str, Any]) -> ToolResult:
    """Call one tool function, record the call, and turn failures into an 'Error: ...' observation."""
    ctx.calls.append({"name": name, "args": dict(args)})
    try:
        if name not in PARAMS:
            raise BecauseError(f"there is no tool '{name}'.", f"use one of: {', '.join(TOOL_NAMES)}.")
        unknown = sorted(set(args) - set(PARAMS[name]))
        if unknown:
            raise BecauseError(f"{name} takes no argument {', '.join(unknown)}.",
                               f"its arguments are: {', '.join(PARAMS[name]) or 'none'}; the user is always the one in this conversation.")
        result = getattr(functions, name)(ctx, **{k: v for k, v in args.items() if v is not None})
    except BecauseError as err:
        result = ToolResult(f"Error: {err}", {"error": str(err)})
    except Exception as err:  # noqa: BLE001 - a broken tool must not crash the conversation
        log.info("tool %s failed: %s", name, err, exc_info=True)
        result = ToolResult(f"Error: the {name} tool failed ({type(err).__name__}: {err}). Fix: try another question or tool.",
                            {"error": f"{type(err).__name__}: {err}"})
    if ctx.on_result is not None:
        ctx.on_result(name, result)
    return result


def make_tools(ctx: ToolContext) -> list[BaseTool]:
    """LangChain tools closed over ``ctx`` (and so over its session's user)."""

    def call(name: str, **args: Any) -> tuple[str, ToolResult]:
        result = run_tool(ctx, name, {k: v for k, v in args.items() if v is not None})
        return result.text, result

    @tool(parse_docstring=True, response_format="content_and_artifact")
    def recommend(k: int | None = None, constraints: list[str] | None = None) -> tuple[str, ToolResult]:
        """Recommend items for the user, best first.

        Args:
            k: How many items (default: as many as last time, 5 at first).
            constraints: New conditions, e.g. "genres!=Horror", "runtime<100", "year>=1995", "shorter", "more recent", "clear".
        """
        return call("recommend", k=k, constraints=constraints)

    @tool(parse_docstring=True, response_format="content_and_artifact")
    def explain(item: str) -> tuple[str, ToolResult]:
        """Explain why an item is recommended, from the scorer's exact parts.

        Args:
            item: A title, an id, or a position in the last list such as "second" or "last".
        """
        return call("explain", item=item)

    @tool(parse_docstring=True, response_format="content_and_artifact")
    def why_not(item: str) -> tuple[str, ToolResult]:
        """Explain why an item is NOT recommended: its rank and what holds it back.

        Args:
            item: A title or an id.
        """
        return call("why_not", item=item)

    @tool(parse_docstring=True, response_format="content_and_artifact")
    def what_if(remove: list[str] | None = None, add: list[str] | None = None) -> tuple[str, ToolResult]:
        """Show how recommendations change if past items are removed from or added to the user's history.

        Args:
            remove: Titles the user has seen, to leave out.
            add: Titles to count as seen.
        """
        return call("what_if", remove=remove, add=add)

    @tool(parse_docstring=True, response_format="content_and_artifact")
    def search_catalogue(query: str, filters: list[str] | None = None) -> tuple[str, ToolResult]:
        """Find catalogue items matching a description.

        Args:
            query: What to look for, e.g. "a funny western".
            filters: Conditions, e.g. "year>=1990", "genres=Comedy".
        """
        return call("search_catalogue", query=query, filters=filters)

    @tool(parse_docstring=True, response_format="content_and_artifact")
    def similar_to(item: str) -> tuple[str, ToolResult]:
        """Find items similar to a given one.

        Args:
            item: A title, an id, or a position in the last list.
        """
        return call("similar_to", item=item)

    @tool(parse_docstring=True, response_format="content_and_artifact")
    def my_profile() -> tuple[str, ToolResult]:
        """Say what the assistant knows and uses about the user (history, tastes, feedback)."""
        return call("my_profile")

    @tool(parse_docstring=True, response_format="content_and_artifact")
    def remember_feedback(item: str, feedback: str) -> tuple[str, ToolResult]:
        """Remember the user's feedback on an item for the rest of the conversation.

        Args:
            item: A title, an id, or a position in the last list.
            feedback: One of "liked", "disliked", "not_interested".
        """
        return call("remember_feedback", item=item, feedback=feedback)

    return [recommend, explain, why_not, what_if, search_catalogue, similar_to, my_profile, remember_feedback]
