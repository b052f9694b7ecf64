"""A routing decision: which tool (or a plain answer) and with what arguments, and which voice decided."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Decision:
    tool: str  # a tool name, or "answer"
    args: dict[str, Any] = field(default_factory=dict)
    source: str = "rule"  # "rule" | "intent" | "llm" | "fallback"
    firm: bool = (
        False  # a rule that reads the conversation or guards the assistant: the intent model does not overrule it
    )
