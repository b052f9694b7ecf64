"""Choosing the tool for a message, in three voices: deterministic rules, a learned intent model
(``intent_model``) and the language model asked for a JSON-schema-constrained decision
``{"tool": ..., "args": {...}}``.

``Router.decide`` combines them: a firm rule (guards, follow-ups that read the conversation) decides;
a rule the intent model agrees with, or is unsure against, decides; where the two disagree and the
intent model is confident, the language model chooses between those two tools only; with no rule, a
confident intent model decides and the arguments are read from the message (``intent_args``), and an
unsure one lets the language model choose among its few most likely tools. Restricting the schema's
tool enum to the candidates keeps a small model from guessing outside them.

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
from assistant.guard import language_support
from assistant.intent_args import args_for
from assistant.intent_model import IntentModel, normalise
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
CONFIDENT = 0.6  # intent-model probability above which it decides alone (0.98 right at 85% coverage, leave-one-set-out)
CANDIDATES = 3  # tools the language model may choose among when the intent model is unsure
FEW_SHOT = 2  # nearest labelled examples per candidate tool shown to the language model (0 = none)
_CONDITION_LIKE = re.compile(r"^[\w' -]+?\s*(?:!=|>=|<=|=|<|>)\s*[\w.,' -]+$|^(?:shorter|longer|more recent|newer|recent|older|not shown|clear"
                             r"|(?:no|not|without|only|just)\s+[\w' -]+)$", re.I)


def render_prompt(name: str, **values: Any) -> str:
    """A prompt file from the prompts package; a missing variable raises."""
    from prompts import render

    return render(name, **values)


_SLOTS = re.compile(r"\{shown\d\}|\{seen2?\}|\{unseen\}")


def example_line(example: Any) -> str:
    """A labelled example as a worked routing line, its title placeholders written as a title."""
    text = _SLOTS.sub(lambda m: "[a title on the list]" if "shown" in m.group(0) else "[another title]", example.text)
    return f"{json.dumps(text, ensure_ascii=False)} -> {example.tool}"


def context_block(session: Session, message: str, n_shown: int = 5, examples: Sequence[Any] = ()) -> str:
    """The changing tail of the router prompt. Titles go in as JSON strings: data, not instructions."""
    lines = []
    if examples:
        lines.append("Similar requests: " + "; ".join(example_line(e) for e in examples))
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


def schema_for(tools: Sequence[str]) -> dict[str, Any]:
    """The router schema with the tool enum narrowed to ``tools``."""
    return {**ROUTER_SCHEMA, "properties": {**ROUTER_SCHEMA["properties"], "tool": {"type": "string", "enum": list(tools)}}}


class Router:
    """Decides one step. ``llm`` may be None (rules and intent model only).

    ``intent`` is the learned intent model; "shared" trains (once per process) the one on every labelled
    file, None leaves it out (rules, then the language model, as before it existed)."""

    def __init__(self, llm: Any | None, *, catalogue: str, genres: list[str], titles: Sequence[str] = (),
                 intent: IntentModel | str | None = "shared") -> None:
        self.llm = llm
        self.lexicon = Lexicon(genres)
        self.titles = finder_for(tuple(titles))
        self.system = render_prompt("router.md", catalogue=catalogue, genres=", ".join(genres) or "(none)")
        self._intent = intent
        self.few_shot = FEW_SHOT

    @property
    def intent(self) -> IntentModel | None:
        """The intent model (anything with ``ranked(text)``), trained on first use; None without one."""
        if self._intent == "shared":
            from assistant.intent_model import shared_model

            try:
                self._intent = shared_model()
            except Exception as err:  # noqa: BLE001 - routing still works on rules and the language model
                import logging

                logging.getLogger(__name__).warning("intent model unavailable (%s): rules and the language model route alone", err)
                self._intent = None
        return None if isinstance(self._intent, str) else self._intent

    def ranked(self, session: Session, message: str) -> list[tuple[str, float]] | None:
        """The intent model's tools by probability, or None without one."""
        model = self.intent
        if model is None or not language_support(message)[1]:
            return None  # learned from English and Chinese only: no opinion on other languages
        return model.ranked(normalise(message, self.titles.find(message, session)))

    def decide(self, session: Session, message: str, *, model_usable: bool = True,
               on_model_error: Any | None = None) -> Decision:
        """The step for ``message``. The language model is asked only if ``model_usable``; when it fails,
        ``on_model_error(err)`` is called and the decision is made without it. Never raises for a model error."""
        from because.errors import LanguageModelError

        rule = self.fast(session, message)
        if rule is not None and rule.firm:
            return rule
        ranked = self.ranked(session, message)

        def ask(tools: Sequence[str]) -> Decision | None:
            if not (model_usable and self.llm is not None):
                return None
            try:
                return self.ask_model(session, message, tools=tools)
            except LanguageModelError as err:
                if on_model_error is not None:
                    on_model_error(err)
                return None

        if ranked is None:  # no intent model: rules, then the language model, then the fallback
            if rule is not None:
                return rule
            return ask(ROUTES) or self.without_model(session, message)
        top, p = ranked[0]
        if rule is not None:
            if rule.tool == top or p < CONFIDENT:
                return rule
            chosen = ask([rule.tool, top])
            if chosen is None or chosen.tool == rule.tool:  # without the model the rule stands
                return rule
            return self._complete(session, message, chosen)
        if p >= CONFIDENT:
            decided = self._intent_decision(session, message, top)
            if decided is not None:
                return decided
            return ask([top]) or self.without_model(session, message)
        candidates = [t for t, _ in ranked[:CANDIDATES]]
        chosen = ask(candidates)
        if chosen is not None:
            return self._complete(session, message, chosen)
        return self._intent_decision(session, message, top) or self.without_model(session, message)

    def _intent_decision(self, session: Session, message: str, tool: str) -> Decision | None:
        args = args_for(tool, message, session, self.titles, self.lexicon)
        return None if args is None else Decision(tool, args, "intent")

    def _complete(self, session: Session, message: str, d: Decision) -> Decision:
        """Fill what the model left out (a title it did not copy, say) from the message itself."""
        read = args_for(d.tool, message, session, self.titles, self.lexicon) or {}
        args = {**read, **d.args}
        if "item" in read and str(d.args.get("item", "")).strip().rstrip("?？!！.。") == message.strip().rstrip("?？!！.。"):
            args["item"] = read["item"]  # the model copied the whole message as the item: the item named in it
        return Decision(d.tool, args, d.source)

    def without_model(self, session: Session, message: str) -> Decision:
        if looks_like_hijack(message):
            return Decision("answer", {}, "fallback")
        return self.fallback(session, message)

    def messages(self, session: Session, message: str, tools: Sequence[str] = ROUTES) -> list[Any]:
        from langchain_core.messages import HumanMessage, SystemMessage

        examples: list[Any] = []
        model = self.intent
        if self.few_shot and model is not None and hasattr(model, "nearest") and tuple(tools) != tuple(ROUTES):
            examples = model.nearest(normalise(message, self.titles.find(message, session)), tools, self.few_shot)
        return [SystemMessage(self.system), HumanMessage(context_block(session, message, examples=examples))]

    def fast(self, session: Session, message: str) -> Decision | None:
        return fast_route(message, session, self.lexicon, self.titles)

    def ask_model(self, session: Session, message: str, tools: Sequence[str] = ROUTES) -> Decision:
        """The language model's decision among ``tools``; raises LanguageModelError if it is down, slow or garbled."""
        from assistant.llm_backend import complete_json
        from because.errors import LanguageModelError

        if self.llm is None:
            raise LanguageModelError("no language model is configured.")
        value = complete_json(_short_output(self.llm), self.messages(session, message, tools), schema_for(tools), name="route")
        tool = value["tool"]
        if tool not in tools:
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
