"""The LangChain agent loop (``create_agent``) the assistant runs each turn.

On the small local models the loop's "model" is ``RouterChatModel``: each step asks the assistant's
``plan`` for the next message, which is a real tool call for a new user message (from ``Router.decide``)
and a short templated reply after the tool's observation. A model with working native tool calls (or a
scripted fake in tests) drives the same loop directly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from langchain.agents import create_agent
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import ConfigDict

from tools import ToolResult

log = logging.getLogger(__name__)
Plan = Callable[[list[BaseMessage], Sequence[str]], AIMessage]


class RouterChatModel(BaseChatModel):
    """A chat model for ``create_agent`` whose every message comes from ``planner`` (``Assistant.plan``)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    planner: Plan
    tool_names: tuple[str, ...] = ()

    @property
    def _llm_type(self) -> str:
        return "because-router"

    def bind_tools(self, tools: Sequence[Any], *, tool_choice: Any = None, **kwargs: Any) -> "RouterChatModel":
        names = tuple(convert_to_openai_tool(t)["function"]["name"] for t in tools)
        return self.model_copy(update={"tool_names": names})

    def _generate(
        self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self.planner(messages, self.tool_names))])


@dataclass
class LoopOutcome:
    results: list[tuple[str, ToolResult]]  # (tool name, result) in the order the tools ran
    reply: str  # the loop's last message without tool calls
    error: Exception | None = None  # the loop itself broke (nothing above ran)


class AgentLoop:
    def __init__(
        self, plan: Plan, tools: list[BaseTool], system_prompt: str, model: BaseChatModel | None = None
    ) -> None:
        self.native = model is not None
        self.model = model if model is not None else RouterChatModel(planner=plan)
        self.graph = create_agent(self.model, tools, system_prompt=system_prompt)

    def run(self, message: str) -> LoopOutcome:
        """One turn of the loop. Never raises: a broken loop comes back as ``error``."""
        try:
            state = self.graph.invoke({"messages": [HumanMessage(message)]}, config={"recursion_limit": 10})
        except Exception as err:  # noqa: BLE001 - the person gets recommendations, not a trace
            log.info("agent loop failed: %s", err, exc_info=True)
            return LoopOutcome([], "", err)
        results: list[tuple[str, ToolResult]] = []
        reply = ""
        for m in state["messages"]:
            if isinstance(m, ToolMessage):
                content = str(m.content)
                art = m.artifact if isinstance(m.artifact, ToolResult) else ToolResult(content, error_data(content))
                results.append((m.name or "", art))
            elif isinstance(m, AIMessage) and not m.tool_calls:
                reply = m.text if isinstance(getattr(m, "text", None), str) else str(m.content)
        return LoopOutcome(results, reply)


def error_data(content: str) -> dict[str, Any]:
    """The structured form of an 'Error: ...' observation."""
    return {"error": content[7:]} if content.startswith("Error: ") else {}


def tool_results_since(messages: list[BaseMessage]) -> tuple[str, list[ToolMessage]]:
    """The last person's message, and the tool observations that followed it."""
    last_human = max(i for i, m in enumerate(messages) if isinstance(m, HumanMessage))
    return str(messages[last_human].content), [m for m in messages[last_human + 1 :] if isinstance(m, ToolMessage)]
