"""Choosing the tool for a message, in three voices: deterministic rules (``rules``), a learned intent model
(``intent_model``) and the language model asked for a JSON-schema-constrained decision (``prompt``).

``Router.decide`` reads as one table, top to bottom; the first row whose condition holds decides. Restricting
the schema's tool enum to the candidates keeps a small model from guessing outside them. Small local models
write tool calls as prose-wrapped JSON, so native tool calling is unreliable; a grammar-constrained decision
is not.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from assistant.guard import language_support
from assistant.llm import LanguageModelError, generate_json, with_options
from assistant.routing.arguments import args_for
from assistant.routing.conditions import Lexicon, constraints_in
from assistant.routing.decision import Decision
from assistant.routing.intent_model import Example, IntentModel, normalise, shared_model
from assistant.routing.prompt import ROUTES, clean_args, constraint_examples, context_block, schema_for
from assistant.routing.rules import fast_route, looks_like_hijack
from assistant.routing.titles import finder_for
from prompts import render
from tools import Session

log = logging.getLogger(__name__)
ROUTER_MAX_TOKENS = 80
CONFIDENT = 0.6  # intent-model probability above which it decides alone (0.98 right at 85% coverage, leave-one-set-out)
CANDIDATES = 3  # tools the language model may choose among when the intent model is unsure
FEW_SHOT = 2  # nearest labelled examples per candidate tool shown to the language model (0 = none)
OnModelError = Callable[[LanguageModelError], None]


class Heard:
    """What the rules and the intent model say about one message. The intent model is asked only when a
    row of the table needs it (a firm rule decides without it)."""

    def __init__(self, rule: Decision | None, rank: Callable[[], list[tuple[str, float]] | None]) -> None:
        self.rule, self._rank = rule, rank

    @cached_property
    def ranked(self) -> list[tuple[str, float]] | None:
        """The intent model's tools by probability; None without one."""
        return self._rank()

    @property
    def top(self) -> str | None:
        return self.ranked[0][0] if self.ranked else None

    @property
    def confident(self) -> bool:
        return bool(self.ranked) and self.ranked[0][1] >= CONFIDENT


class Router:
    """Decides one step. ``llm`` may be None (rules and intent model only).

    ``intent`` is the learned intent model; "shared" trains (once per process) the one on every labelled
    file, None leaves it out (rules, then the language model, as before it existed)."""

    def __init__(
        self,
        llm: BaseChatModel | None,
        *,
        catalogue: str,
        genres: list[str],
        titles: Sequence[str] = (),
        intent: IntentModel | str | None = "shared",
        values: dict[str, list[str]] | None = None,
        units: dict[str, str] | None = None,
        columns: Sequence[str] | None = None,
        aliases: dict[str, dict[str, list[str]]] | None = None,
    ) -> None:
        self.llm = llm
        self.lexicon = Lexicon(genres, values, units, aliases)
        self.titles = finder_for(tuple(titles))
        self.columns = None if columns is None else tuple(columns)
        examples = constraint_examples(values or {}, units or {}, genres)
        self.system = render(
            "router.md", catalogue=catalogue, genres=", ".join(genres) or "(none)", constraint_examples=examples
        )
        self._intent = intent
        self.few_shot = FEW_SHOT

    def decide(
        self, session: Session, message: str, *, model_usable: bool = True, on_model_error: OnModelError | None = None
    ) -> Decision:
        """The step for ``message``. The language model is asked only if ``model_usable``; when it fails,
        ``on_model_error(err)`` is called and the decision is made without it. Never raises for a model error."""
        heard = Heard(self.fast(session, message), lambda: self.ranked(session, message))
        rule = heard.rule

        def ask(tools: Sequence[str]) -> Decision | None:
            if not (model_usable and self.llm is not None):
                return None
            try:
                return self.ask_model(session, message, tools=tools)
            except LanguageModelError as err:
                if on_model_error is not None:
                    on_model_error(err)
                return None

        def settle(rule: Decision, other: str) -> Decision:
            """The language model chooses between the two tools; without it the rule stands."""
            chosen = ask([rule.tool, other])
            return rule if chosen is None or chosen.tool == rule.tool else self._complete(session, message, chosen)

        def from_intent(tool: str) -> Decision | None:
            return self._intent_decision(session, message, tool)

        def among_top() -> Decision | None:
            chosen = ask([t for t, _ in heard.ranked[:CANDIDATES]])
            return None if chosen is None else self._complete(session, message, chosen)

        def fallback() -> Decision:  # every row's last resort
            return self.without_model(session, message)

        # fmt: off
        table: list[tuple[str, Callable[[], bool], Callable[[], Decision | None]]] = [
            ("a firm rule: guards, follow-ups that read the conversation",
             lambda: rule is not None and rule.firm,
             lambda: rule),
            ("no intent model: a rule",
             lambda: heard.ranked is None and rule is not None,
             lambda: rule),
            ("no intent model, no rule: the language model among all tools",
             lambda: heard.ranked is None,
             lambda: ask(ROUTES) or fallback()),
            ("a rule the intent model agrees with, or is unsure against",
             lambda: rule is not None and (rule.tool == heard.top or not heard.confident),
             lambda: rule),
            ("a rule the intent model confidently disagrees with: the language model settles it",
             lambda: rule is not None,
             lambda: settle(rule, heard.top)),
            ("no rule, a confident intent model: its tool, arguments read from the message (else asked for)",
             lambda: heard.confident,
             lambda: from_intent(heard.top) or ask([heard.top]) or fallback()),
            ("no rule, an unsure intent model: the language model among its top candidates",
             lambda: True,
             lambda: among_top() or from_intent(heard.top) or fallback()),
        ]
        # fmt: on
        for _why, holds, then in table:
            if holds():
                decided = then()
                if decided is not None:
                    return decided
        return fallback()

    # ---- the voices ------------------------------------------------------------------------------
    def fast(self, session: Session, message: str) -> Decision | None:
        return fast_route(message, session, self.lexicon, self.titles)

    @property
    def intent(self) -> IntentModel | None:
        """The intent model (anything with ``ranked(text)``), trained on first use; None without one."""
        if self._intent == "shared":
            try:
                self._intent = shared_model()
            except Exception as err:  # noqa: BLE001 - routing still works on rules and the language model
                log.warning("intent model unavailable (%s): rules and the language model route alone", err)
                self._intent = None
        return None if isinstance(self._intent, str) else self._intent

    def ranked(self, session: Session, message: str) -> list[tuple[str, float]] | None:
        """The intent model's tools by probability, or None without one."""
        model = self.intent
        if model is None or not language_support(message)[1]:
            return None  # learned from English and Chinese only: no opinion on other languages
        return model.ranked(normalise(message, self.titles.find(message, session)))

    def ask_model(self, session: Session, message: str, tools: Sequence[str] = ROUTES) -> Decision:
        """The language model's decision among ``tools``; raises LanguageModelError if it is down, slow or garbled."""
        if self.llm is None:
            raise LanguageModelError("no language model is configured.")
        short = with_options(self.llm, max_tokens=ROUTER_MAX_TOKENS, temperature=0.0)  # no sampling noise
        value = generate_json(short, self.messages(session, message, tools), schema_for(tools), name="route")
        tool = value["tool"]
        if tool not in tools:
            raise LanguageModelError(f"the language model chose an unknown tool {tool!r}.")
        return Decision(tool, clean_args(tool, value.get("args") or {}, session, self.columns), "llm")

    def messages(self, session: Session, message: str, tools: Sequence[str] = ROUTES) -> list[BaseMessage]:
        examples: list[Example] = []
        model = self.intent
        if self.few_shot and model is not None and hasattr(model, "nearest") and tuple(tools) != tuple(ROUTES):
            examples = model.nearest(normalise(message, self.titles.find(message, session)), tools, self.few_shot)
        return [SystemMessage(self.system), HumanMessage(context_block(session, message, examples=examples))]

    # ---- helpers ---------------------------------------------------------------------------------
    def _intent_decision(self, session: Session, message: str, tool: str) -> Decision | None:
        args = args_for(tool, message, session, self.titles, self.lexicon)
        return None if args is None else Decision(tool, args, "intent")

    def _complete(self, session: Session, message: str, d: Decision) -> Decision:
        """Fill what the model left out (a title it did not copy, say) from the message itself."""
        read = args_for(d.tool, message, session, self.titles, self.lexicon) or {}
        args = {**read, **d.args}
        for key in ("constraints", "filters"):  # conditions the message plainly states: code read them, keep those
            if read.get(key):
                args[key] = read[key]
        bare = message.strip().rstrip("?？!！.。")
        if "item" in read and str(d.args.get("item", "")).strip().rstrip("?？!！.。") == bare:
            args["item"] = read["item"]  # the model copied the whole message as the item: the item named in it
        return Decision(d.tool, args, d.source)

    def without_model(self, session: Session, message: str) -> Decision:
        if looks_like_hijack(message):
            return Decision("answer", {}, "fallback")
        return self.fallback(session, message)

    def fallback(self, session: Session, message: str) -> Decision:
        """Without a model: recommendations under any constraints the message states."""
        found, k = constraints_in(message, self.lexicon)
        args: dict[str, Any] = {}
        if found:
            args["constraints"] = found
        if k:
            args["k"] = k
        return Decision("recommend", args, "fallback")
