"""Explanation prose: the facts and the template draft go to the language model, its text comes back checked.

For each item: the facts (largest non-negligible terms of the exact attribution) and the template
written from them (a correct but plain draft) are rendered into ``prompts/explain.md``; the model
polishes the draft; the claim checker verifies every title, feature and number. A failing text is
retried (``MAX_RETRIES``) with the failures named, then replaced by the template. No language
model, a dead one (``FALLBACK_ON``), a slow one or garbage all end in the template: this module
never raises for the model's sake. ``write`` is the one loop every path goes through; streaming
(``explaining.stream``) hands it the streamed first attempt.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from assistant.explaining.checker import CheckResult, ClaimChecker
from assistant.explaining.facts import MAX_ITEMS, ExplanationFacts, facts_for
from assistant.explaining.template import template_explanation
from assistant.explaining.title_mask import NO_MASK, TitleMask
from assistant.language import normalize_language
from assistant.llm import FALLBACK_ON, generate, generate_json
from prompts import render
from scorer.attribution import Explanation

log = logging.getLogger(__name__)

EXPLAIN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"text": {"type": "string", "minLength": 1, "maxLength": 600}},
    "required": ["text"],
    "additionalProperties": False,
}
MAX_RETRIES = 1
RETRY_TEMPERATURE = 0.8


@dataclass
class ExplainedItem:
    item: str
    title: str
    text: str
    claims: list[dict[str, Any]]
    checked: bool  # the text passed the claim checker
    fallback: bool  # the text is the template (no model, model failed, or its text failed the check)
    facts: dict[str, Any]
    language: str = "en"
    problems: list[str] = field(default_factory=list)  # why the model's last text was rejected, if it was
    attempts: int = 0  # language-model calls made
    error: Exception | None = field(default=None, repr=False, compare=False)  # the model's failure, if it failed

    def to_dict(self) -> dict[str, Any]:
        out = asdict(replace(self, error=None))  # an exception is no JSON value
        out.pop("error")
        return out

    def public(self) -> dict[str, Any]:
        """The JSON shape the chat, the API and ``because ask --json`` show."""
        return {
            "item": str(self.item),
            "title": self.title,
            "text": self.text,
            "claims": list(self.claims),
            "checked": self.checked,
            "fallback": self.fallback,
            "attempts": self.attempts,
        }


def title_mask(facts: ExplanationFacts, language: str) -> TitleMask:
    """Tokens for the draft's titles when the model writes Chinese (it translates titles otherwise);
    in English the identity."""
    return TitleMask(template_explanation(facts, language), (facts.display,)) if language == "zh" else NO_MASK


def prompt_messages(
    facts: ExplanationFacts, language: str, output: str = "json", mask: TitleMask = NO_MASK
) -> list[BaseMessage]:
    """System prompt (static: llama.cpp reuses its cache) + this item's checked draft to polish."""
    # the draft already names every fact with its sign: listing the facts again doubled the prompt (and the
    # time to the first word) without making the model's text more faithful
    draft = template_explanation(facts, language)
    user = render(
        "explain.md",
        item=_quoted(mask.mask(facts.display)),
        draft=_quoted(mask.mask(draft)),
        language=language,
        output=output,
    )
    return [SystemMessage(render("explain_system.md")), HumanMessage(user)]


def retry_messages(
    messages: list[BaseMessage], answer: str, result: CheckResult, language: str, output: str = "json"
) -> list[BaseMessage]:
    previous = json.dumps({"text": answer}, ensure_ascii=False) if output == "json" else answer
    note = render("explain_retry.md", problems=result.problems[:4], language=language, output=output)
    return [*messages, AIMessage(previous), HumanMessage(note)]


def clean(text: str) -> str:
    """The model's text without the wrappers small models add (a label, quotes)."""
    text = " ".join(str(text).split())
    for prefix in ("Explanation:", "Answer:", "解释：", "回答："):
        if text.startswith(prefix):
            text = text[len(prefix) :].strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'“":
        text = text[1:-1].strip()
    return text


def template_item(
    facts: ExplanationFacts,
    language: str,
    checker: ClaimChecker,
    problems: Sequence[str] = (),
    attempts: int = 0,
    error: Exception | None = None,
) -> ExplainedItem:
    """The template explanation, checked like any other text."""
    text = template_explanation(facts, language)
    return _item(
        facts,
        language,
        text,
        checker(text, facts, language),
        fallback=True,
        problems=problems,
        attempts=attempts,
        error=error,
    )


def write(
    facts: ExplanationFacts,
    *,
    language: str,
    llm: BaseChatModel | None,
    checker: ClaimChecker,
    output: str = "json",
    max_retries: int = MAX_RETRIES,
    deadline: float | None = None,
    first: tuple[str, str] | None = None,
) -> ExplainedItem:
    """The model's text if it passes ``checker`` within ``1 + max_retries`` attempts, else the template.

    ``output`` is "json" (a JSON-schema answer) or "text". ``first`` = (restored text, text as the model
    wrote it) is an attempt already made (the streamed one). Retries are sampled (a retry at the same
    temperature mostly repeats the rejected text) and told the checker's complaints."""
    language = normalize_language(language)
    if llm is None or not (facts.supporting or facts.holding_back):
        return template_item(facts, language, checker)
    mask = title_mask(facts, language)
    messages = prompt_messages(facts, language, output=output, mask=mask)
    problems: list[str] = []
    attempts = 0 if first is None else 1
    for n in range(1 + max_retries):
        if n == 0 and first is not None:
            answer, raw = first
        else:
            if deadline is not None and time.monotonic() >= deadline:
                problems.append("out of time for the language model.")
                break
            attempts += 1
            try:
                raw = clean(_ask(llm, messages, output, retry=n > 0))
            except FALLBACK_ON as err:
                log.info("explanation model failed for item %s: %s", facts.item, err)
                problems.append(f"language model failed: {err}")
                return template_item(facts, language, checker, problems, attempts, error=err)
            answer = mask.restore(raw)
        result = checker(answer, facts, language)
        if result.ok:
            return _item(facts, language, answer, result, fallback=False, problems=problems, attempts=attempts)
        problems = list(result.problems)
        messages = retry_messages(messages, raw, result, language, output=output)
    return template_item(facts, language, checker, problems, attempts)


def explain_facts(
    facts: ExplanationFacts,
    *,
    language: str = "en",
    llm: BaseChatModel | None = None,
    checker: ClaimChecker,
    deadline: float | None = None,
    max_retries: int = MAX_RETRIES,
) -> ExplainedItem:
    """One item's explanation from its facts (JSON answers): model text if it passes the checker, else the template."""
    return write(facts, language=language, llm=llm, checker=checker, deadline=deadline, max_retries=max_retries)


def explain_items(
    explanations: Sequence[Explanation],
    *,
    language: str = "en",
    llm: BaseChatModel | None = None,
    checker: ClaimChecker,
    timeout: float | None = None,
    max_items: int = MAX_ITEMS,
    max_retries: int = MAX_RETRIES,
) -> list[ExplainedItem]:
    """Checked explanations for several items. ``timeout`` (seconds) bounds the model's total time over
    all items; items left when it runs out get the template. Never raises for the model's sake."""
    deadline = None if timeout is None else time.monotonic() + timeout
    return [
        explain_facts(
            facts_for(e, max_items=max_items),
            language=language,
            llm=llm,
            checker=checker,
            deadline=deadline,
            max_retries=max_retries,
        )
        for e in explanations
    ]


def _ask(llm: BaseChatModel, messages: list[BaseMessage], output: str, retry: bool) -> str:
    extra = {"temperature": RETRY_TEMPERATURE} if retry else {}
    if output == "json":
        return str(generate_json(llm, messages, EXPLAIN_SCHEMA, name="explanation", **extra)["text"])
    return generate(llm, messages, **extra)


def _item(
    facts: ExplanationFacts,
    language: str,
    text: str,
    res: CheckResult,
    *,
    fallback: bool,
    problems: Sequence[str],
    attempts: int,
    error: Exception | None = None,
) -> ExplainedItem:
    return ExplainedItem(
        facts.item,
        facts.title,
        text,
        [c.to_dict() for c in res.claims],
        res.ok,
        fallback,
        facts.to_dict(),
        language,
        list(problems),
        attempts,
        error,
    )


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)
