"""What the person gets for one turn: the short reply, recommendations, explanations, search hits, a notice.

The same type serves the chat, the web app, the API and ``because ask`` (the words are in ``replies``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.language import display_title


@dataclass
class Answer:
    text: str
    language: str = "en"
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    recommendations: list[dict[str, Any]] = field(default_factory=list)
    explanations: list[dict[str, Any]] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)  # search / similar hits
    notice: str | None = None
    timings: dict[str, float] = field(default_factory=dict)  # seconds from the message
    degraded: bool = False  # the assistant itself failed: plain recommendations with template explanations

    def to_json(self) -> dict[str, Any]:
        out = {
            "answer": self.text,
            "tool_calls": self.tool_calls,
            "recommendations": self.recommendations,
            "explanations": self.explanations,
        }
        if self.results:
            out["results"] = self.results
        if self.notice:
            out["notice"] = self.notice
        return out

    def render(self) -> str:
        """Readable text for a terminal."""
        lines = [self.notice] if self.notice else []
        lines.append(self.text)
        by_item = {e["item"]: e for e in self.explanations}
        for r in self.recommendations:
            lines.append(f"{r['rank']}. {display_title(r['title'])}")
            if r["item"] in by_item:
                lines.append(f"   {by_item.pop(r['item'])['text']}")
        lines.extend(e["text"] for e in by_item.values())
        lines.extend(f"- {display_title(h['title'])}" for h in self.results)
        return "\n".join(line for line in lines if line)
