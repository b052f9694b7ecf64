"""What one recommendation card shows, and the chat messages of a turn (Gradio-free helpers)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from assistant import Answer
from webapp.conversation import Conversation

MAX_CARDS = 6
NOTES = {
    "liked": "Liked - noted: counted as something you like; your next picks use it.",
    "disliked": "Disliked - noted: I won't recommend it again.",
    "not_interested": "Not interested - noted: not shown again.",
}
_MD = re.compile(r"([\\`*_\[\]<>#|])")


def md_escape(text: str) -> str:
    return _MD.sub(r"\\\1", str(text))


@dataclass
class Card:
    item: str
    title: str
    rank: int
    text: str = ""
    checked: bool = False
    fallback: bool = True
    note: str = ""

    def markdown(self) -> str:
        if not self.text:
            body, badge = "_writing why…_", ""
        elif self.fallback:
            body, badge = md_escape(self.text), "template written from the scorer's exact parts"
        else:
            body, badge = md_escape(self.text), "every claim checked against the scorer" if self.checked else ""
        lines = [f"**{self.rank}. {md_escape(self.title)}**", "", body]
        if badge:
            lines += ["", f"*{badge}*"]
        if self.note:
            lines += ["", f"**{self.note}**"]
        return "\n".join(lines)


@dataclass
class UiState:
    """Per browser session (kept server-side in gr.State)."""

    conv: Conversation
    cards: list[Card] = field(default_factory=list)


def cards_from(rows: list[dict[str, Any]]) -> list[Card]:
    return [Card(str(r["item"]), str(r["title"]), int(r.get("rank") or n)) for n, r in enumerate(rows[:MAX_CARDS], 1)]


def tool_messages(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each tool call as a collapsed step (ChatMessage metadata title, status done)."""
    return [
        {
            "role": "assistant",
            "content": f"```json\n{json.dumps(c.get('args', {}), ensure_ascii=False)}\n```",
            "metadata": {"title": f"Used tool: {c.get('name', '?')}", "status": "done"},
        }
        for c in calls
    ]


def reply_text(result: Answer, cards: list[Card]) -> str:
    """The turn's reply, plus explanations of items not on a card and any search hits."""
    on_cards = {c.item for c in cards}
    parts = [md_escape(result.text)] if result.text else []
    for e in result.explanations:
        if e.get("item") not in on_cards and e.get("text"):
            parts.append(md_escape(e["text"]))
    parts += [f"- {md_escape(h.get('title', h.get('item', '')))}" for h in result.results]
    if result.notice:
        parts.append(f"*{md_escape(result.notice)}*")
    return "\n\n".join(parts) or "…"
