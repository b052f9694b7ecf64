"""The tool table, read once from the tool functions' signatures and docstrings.

Everything that names a tool or its arguments derives from here: ``TOOL_NAMES``, ``PARAMS`` (what
``run_tool`` accepts), the JSON schema of the arguments (which the router narrows for the language
model) and the LangChain tools for ``create_agent``. Adding a tool is writing one function in
``tools.functions`` and listing it in ``FUNCTIONS``.
"""

from __future__ import annotations

import inspect
import logging
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from langchain_core.tools import BaseTool, tool

from because.errors import BecauseError
from tools import functions
from tools.context import ToolContext, ToolResult

log = logging.getLogger(__name__)

FUNCTIONS: tuple[Callable[..., ToolResult], ...] = (
    functions.recommend,
    functions.explain,
    functions.why_not,
    functions.what_if,
    functions.search_catalogue,
    functions.similar_to,
    functions.my_profile,
    functions.remember_feedback,
)


@dataclass(frozen=True)
class ToolSpec:
    name: str
    function: Callable[..., ToolResult]
    params: dict[str, Any]  # argument -> its type hint, in signature order (the context is not an argument)
    signature: inspect.Signature  # the function's, without the context


def _spec(function: Callable[..., ToolResult]) -> ToolSpec:
    hints = typing.get_type_hints(function)
    signature = inspect.signature(function)
    params = [p for name, p in signature.parameters.items() if name != "ctx"]
    shown = [p.replace(annotation=hints[p.name]) for p in params]
    return ToolSpec(
        function.__name__,
        function,
        {p.name: hints[p.name] for p in params},
        signature.replace(parameters=shown, return_annotation=tuple[str, ToolResult]),
    )


TOOLS: dict[str, ToolSpec] = {spec.name: spec for spec in map(_spec, FUNCTIONS)}
TOOL_NAMES: tuple[str, ...] = tuple(TOOLS)
PARAMS: dict[str, tuple[str, ...]] = {name: tuple(spec.params) for name, spec in TOOLS.items()}


def json_schema(hint: Any) -> dict[str, Any]:
    """The JSON schema of a parameter's type hint (``int | None`` -> integer; ``list[str]``; ``Literal``)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return json_schema(next(a for a in args if a is not type(None)))
    if origin is typing.Literal:
        return {"type": "string", "enum": list(args)}
    if origin is list:
        return {"type": "array", "items": json_schema(args[0])}
    names = {str: "string", int: "integer", float: "number", bool: "boolean"}
    if hint in names:
        return {"type": names[hint]}
    raise TypeError(f"no JSON schema for the tool parameter type {hint!r}")


def argument_properties() -> dict[str, dict[str, Any]]:
    """Every tool argument with its JSON schema (the router's ``args`` object): ``item`` first, as most
    decisions name one, then in the table's order. A constrained decoder writes the keys in this order."""
    out: dict[str, dict[str, Any]] = {}
    for spec in TOOLS.values():
        for name, hint in spec.params.items():
            out.setdefault(name, json_schema(hint))
    return {"item": out.pop("item"), **out} if "item" in out else out


def run_tool(ctx: ToolContext, name: str, args: dict[str, Any]) -> ToolResult:
    """Call one tool function, record the call, and turn failures into an 'Error: ...' observation."""
    ctx.calls.append({"name": name, "args": dict(args)})
    try:
        if name not in PARAMS:
            raise BecauseError(f"there is no tool '{name}'.", f"use one of: {', '.join(TOOL_NAMES)}.")
        unknown = sorted(set(args) - set(PARAMS[name]))
        if unknown:
            raise BecauseError(
                f"{name} takes no argument {', '.join(unknown)}.",
                f"its arguments are: {', '.join(PARAMS[name]) or 'none'}; "
                "the user is always the one in this conversation.",
            )
        result = TOOLS[name].function(ctx, **{k: v for k, v in args.items() if v is not None})
    except BecauseError as err:
        result = ToolResult(f"Error: {err}", {"error": str(err)})
    except Exception as err:  # noqa: BLE001 - a broken tool must not crash the conversation
        log.info("tool %s failed: %s", name, err, exc_info=True)
        result = ToolResult(
            f"Error: the {name} tool failed ({type(err).__name__}: {err}). Fix: try another question or tool.",
            {"error": f"{type(err).__name__}: {err}"},
        )
    if ctx.on_result is not None:
        ctx.on_result(name, result)
    return result


def make_tools(ctx: ToolContext) -> list[BaseTool]:
    """LangChain tools closed over ``ctx`` (and so over its session's user), one per table entry."""
    return [_langchain_tool(spec, ctx) for spec in TOOLS.values()]


def _langchain_tool(spec: ToolSpec, ctx: ToolContext) -> BaseTool:
    def call(**args: Any) -> tuple[str, ToolResult]:
        result = run_tool(ctx, spec.name, {k: v for k, v in args.items() if v is not None})
        return result.text, result

    call.__name__ = spec.name
    call.__doc__ = spec.function.__doc__
    call.__signature__ = spec.signature  # type: ignore[attr-defined]
    call.__annotations__ = {**spec.params, "return": spec.signature.return_annotation}
    return tool(parse_docstring=True, response_format="content_and_artifact")(call)
