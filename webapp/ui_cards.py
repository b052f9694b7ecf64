"""What the chat shows for one turn, as HTML inside the assistant's message (Gradio-free).

A recommendation turn is one message: the reply, then each pick as a compact card (title, a one-line
reason, what the shopper asked that it meets, like / dislike / not interested) that opens to the full
explanation and its chart. A "why ...?" turn is the explanation text itself, in the message.

Gradio's sanitiser keeps classes but drops ``data-*`` and ARIA attributes, so a card's buttons carry their
action as a class ``b-n-<index>`` into ``UiState.actions`` (kept server-side; the browser names no item).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant import Answer
from assistant.language import display_title, sentence_spans
from webapp.conversation import Conversation
from webapp.ui_text import t

MAX_CARDS = 6
FEEDBACK = ("liked", "disliked", "not_interested")
BUTTON_TEXT = {"liked": "like", "disliked": "dislike", "not_interested": "not_interested"}
_MD = re.compile(r"([\\`*_\[\]<>#|])")
Chart = Callable[[str, list[str]], str]  # (item, named keys) -> chart HTML


def md_escape(text: str) -> str:
    return _MD.sub(r"\\\1", str(text))


def esc(text: str) -> str:
    return html.escape(str(text), quote=True)


def first_sentence(text: str) -> str:
    """The first sentence with its closing mark (the one-line reason on a card)."""
    spans = sentence_spans(text)
    if not spans:
        return text.strip()
    start, end = spans[0]
    while end < len(text) and text[end] in ".!?。！？…":
        end += 1
    return text[start:end].strip()


@dataclass
class Card:
    item: str
    title: str
    rank: int
    text: str = ""
    checked: bool = False
    fallback: bool = True
    named: list[str] = field(default_factory=list)
    note: str = ""
    actions: dict[str, int] = field(default_factory=dict)  # feedback kind -> index into UiState.actions

    def explained(self, payload: dict[str, Any]) -> None:
        self.text = str(payload.get("text", ""))
        self.checked, self.fallback = bool(payload.get("checked")), bool(payload.get("fallback", True))
        self.named = named_keys(payload.get("claims") or [])


def named_keys(claims: list[dict[str, Any]]) -> list[str]:
    """The keys of the score parts a checked text names (as ``because explain --json`` gives them)."""
    kinds = ("history_item", "feature", "popularity")
    return [str(c["ref"]) for c in claims if c.get("ok") and c.get("kind") in kinds and c.get("ref")]


@dataclass
class Turn:
    """One assistant message: where it is in the chat, and what it shows."""

    at: int
    reply: str = ""
    cards: list[Card] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)  # the shopper's wishes in force, in their words
    why: list[Card] = field(default_factory=list)  # explanations of items not on a card ("why the first one?")
    hits: list[str] = field(default_factory=list)  # search results
    notice: str = ""
    calls: list[dict[str, Any]] = field(default_factory=list)  # the tools the assistant used


@dataclass
class UiState:
    """Per browser session (kept server-side in gr.State)."""

    conv: Conversation
    lang: str = "en"
    chat: list[dict[str, Any]] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)
    actions: list[tuple[str, Card, Turn]] = field(default_factory=list)

    def add_cards(self, rows: list[dict[str, Any]], turn: Turn) -> list[Card]:
        cards = [
            Card(str(r["item"]), str(r["title"]), int(r.get("rank") or n)) for n, r in enumerate(rows[:MAX_CARDS], 1)
        ]
        for card in cards:
            for kind in FEEDBACK:
                card.actions[kind] = len(self.actions)
                self.actions.append((kind, card, turn))
        return cards


def _badge(card: Card, lang: str) -> str:
    if not card.text:
        return ""
    if card.fallback:
        return t("template_badge", lang)
    return t("checked_badge", lang) if card.checked else ""


def card_html(card: Card, asked: list[str], lang: str, chart: Chart) -> str:
    title = esc(display_title(card.title))
    reason = esc(first_sentence(card.text)) if card.text else f"<em>{esc(t('writing', lang))}</em>"
    parts = [f'<li class="b-card"><p class="b-title"><strong>{card.rank}. {title}</strong></p>']
    parts.append(f'<p class="b-reason">{reason}</p>')
    if asked:
        chips = "".join(f'<span class="b-chip">{esc(a)}</span>' for a in asked)
        label = esc(t("you_asked", lang)) + ("：" if lang == "zh" else ":")
        parts.append(f'<p class="b-asked"><span class="b-label">{label}</span> {chips}</p>')
    buttons = "".join(
        f'<button type="button" class="b-act b-{kind} b-n-{n}">{esc(t(BUTTON_TEXT[kind], lang))}'
        f'<span class="b-sr"> {title}</span></button>'
        for kind, n in card.actions.items()
    )
    parts.append(f'<div class="b-actions">{buttons}</div>')
    if card.note:
        parts.append(f'<p class="b-note" role="status">{esc(card.note)}</p>')
    if card.text:
        badge = _badge(card, lang)
        parts.append(
            f'<details class="b-more"><summary>{esc(t("why_full", lang))}</summary>'
            f'<p class="b-text">{esc(card.text)}</p>'
            + (f'<p class="b-badge">{esc(badge)}</p>' if badge else "")
            + chart(card.item, card.named)
            + "</details>"
        )
    return "".join(parts) + "</li>"


def why_html(card: Card, lang: str, chart: Chart) -> str:
    badge = _badge(card, lang)
    return (
        f'<div class="b-why"><p class="b-text">{esc(card.text)}</p>'
        + (f'<p class="b-badge">{esc(badge)}</p>' if badge else "")
        + f'<details class="b-more"><summary>{esc(t("why_full", lang))}</summary>{chart(card.item, card.named)}'
        "</details></div>"
    )


def turn_html(turn: Turn, lang: str, chart: Chart) -> str:
    """The whole message, one line of HTML (a blank line would end Markdown's HTML block)."""
    parts = [f'<p class="b-reply">{esc(turn.reply)}</p>'] if turn.reply else []
    if turn.cards:
        parts.append('<ol class="b-picks">' + "".join(card_html(c, turn.asked, lang, chart) for c in turn.cards))
        parts.append("</ol>")
    parts += [why_html(c, lang, chart) for c in turn.why if c.text]
    if turn.hits:
        parts.append('<ul class="b-hits">' + "".join(f"<li>{esc(h)}</li>" for h in turn.hits) + "</ul>")
    if turn.notice:
        parts.append(f'<p class="b-notice"><em>{esc(turn.notice)}</em></p>')
    parts.append(tools_html(turn.calls, lang))
    return "".join(parts) or "…"


def fill_turn(turn: Turn, result: Answer) -> None:
    """Explanations that arrived only with the answer, items explained off the cards, search hits, the notice."""
    turn.reply = result.text
    texts = {str(e.get("item")): e for e in result.explanations}
    for card in turn.cards:
        if card.item in texts and not card.text:
            card.explained(texts[card.item])
    on_cards = {c.item for c in turn.cards}
    for item, e in texts.items():
        if item not in on_cards and e.get("text"):
            card = Card(item, str(e.get("title", item)), 0)
            card.explained(e)
            turn.why.append(card)
    turn.hits = [display_title(h.get("title", h.get("item", ""))) for h in result.results]
    turn.notice = result.notice or ""
    turn.calls = list(result.tool_calls)


def tools_html(calls: list[dict[str, Any]], lang: str) -> str:
    """The tool calls behind the answer, collapsed at the end of the message (what the assistant did)."""
    if not calls:
        return ""
    lines = "".join(
        f"<li><code>{esc(c.get('name', '?'))} {esc(json.dumps(c.get('args', {}), ensure_ascii=False))}</code></li>"
        for c in calls
    )
    return f'<details class="b-tools"><summary>{esc(t("tools", lang))}</summary><ul>{lines}</ul></details>'
