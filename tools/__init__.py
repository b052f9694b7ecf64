"""The agent's tools: plain typed functions over one session's ``ToolContext`` (``tools.functions``).

    ctx = ToolContext.build(rec, Session.new(user="42"), catalogue)
    tools = make_tools(ctx)            # LangChain tools for create_agent
    run_tool(ctx, "why_not", {"item": "Star Wars"})   # same path, without LangChain

No tool takes a user: the user is the session's (``tools.session``), so a message naming someone else
cannot reach their data. A failing tool returns "Error: ..." saying what to try next. The tool table
(``tools.table``) is read once from the functions' signatures and docstrings.
"""

from tools.context import ToolContext, ToolResult, catalogue_view
from tools.session import FEEDBACK_KINDS, Session, Shown, load_session, open_session, save_session
from tools.table import PARAMS, TOOL_NAMES, TOOLS, argument_properties, make_tools, run_tool

__all__ = [
    "FEEDBACK_KINDS",
    "PARAMS",
    "TOOLS",
    "TOOL_NAMES",
    "Session",
    "Shown",
    "ToolContext",
    "ToolResult",
    "argument_properties",
    "catalogue_view",
    "load_session",
    "make_tools",
    "open_session",
    "run_tool",
    "save_session",
]
