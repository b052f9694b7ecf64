"""Explanation prose for recommendations: facts first, then the language model's sentences, checked.

For each item: the facts (largest non-negligible terms of the exact attribution) and the
deterministic template written from them (a correct but plain draft) are rendered into
``prompts/explain.md``; the model polishes the draft and answers ``{"text": ...}`` under a JSON schema; ``claim_checker``
verifies every title, feature and number. A failing text is retried once with the failures named,
then replaced by the deterministic template from ``fallback``. No language model, a dead one, a
slow one or garbage all end in the template: this module never raises for the model's sake.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.claim_checker import CheckResult, check
from assistant.facts import MAX_ITEMS, ExplanationFacts, facts_for
from assistant.fallback import fallback_text
from assistant.language import normalize_language
from assistant.title_mask import NO_MASK, TitleMask
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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class StreamEvent:
    kind: str  # "facts" (structured facts, at once) | "delta" (prose chunk) | "final" (the checked result)
    text: str = ""
    facts: dict[str, Any] | None = None
    item: ExplainedItem | None = None
    replaced: bool = False  # final only: the streamed prose failed the check; show item.text instead


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def title_mask(facts: ExplanationFacts, language: str) -> TitleMask:
    """Tokens for the draft's titles when the model writes Chinese (it translates titles otherwise);
    in English the identity."""
    return TitleMask(fallback_text(facts, language), (facts.display,)) if language == "zh" else NO_MASK


def prompt_messages(facts: ExplanationFacts, language: str, output: str = "json", mask: TitleMask = NO_MASK) -> list[Any]:
    """System prompt (static: llama.cpp reuses its cache) + this item's checked draft to polish."""
    from langchain_core.messages import HumanMessage, SystemMessage

    from prompts import render

    # the draft already names every fact with its sign: listing the facts again doubled the prompt (and the
    # time to the first word) without making the model's text more faithful
    user = render("explain.md", item=_quoted(mask.mask(facts.display)), draft=_quoted(mask.mask(fallback_text(facts, language))),
                  language=language, output=output)
    return [SystemMessage(render("explain_system.md")), HumanMessage(user)]


def retry_messages(messages: list[Any], answer: str, result: CheckResult, language: str, output: str = "json") -> list[Any]:
    from langchain_core.messages import AIMessage, HumanMessage

    from prompts import render

    previous = json.dumps({"text": answer}, ensure_ascii=False) if output == "json" else answer
    note = render("explain_retry.md", problems=result.problems[:4], language=language, output=output)
    return [*messages, AIMessage(previous), HumanMessage(note)]


def _clean(text: str) -> str:
    text = " ".join(str(text).split())
    for prefix in ("Explanation:", "Answer:", "解释：", "回答："):
        if text.startswith(prefix):
            text = text[len(prefix):].strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'“":
        text = text[1:-1].strip()
    return text


def _result(facts: ExplanationFacts, language: str, text: str, res: CheckResult, *, fallback: bool,
            problems: list[str], attempts: int) -> ExplainedItem:
    return ExplainedItem(facts.item, facts.title, text, [c.to_dict() for c in res.claims], res.ok, fallback,
                         facts.to_dict(), language, problems, attempts)


def _template(facts: ExplanationFacts, language: str, titles: Sequence[str], labels: Sequence[str],
              problems: list[str], attempts: int) -> ExplainedItem:
    text = fallback_text(facts, language)
    return _result(facts, language, text, check(text, facts, titles, labels, language), fallback=True,
                   problems=problems, attempts=attempts)


def explain_facts(facts: ExplanationFacts, *, language: str = "en", llm: Any = None, catalogue_titles: Sequence[str],
                  feature_labels: Sequence[str], deadline: float | None = None, max_retries: int = MAX_RETRIES) -> ExplainedItem:
    """One item's explanation from its facts: model text if it passes the checker, else the template."""
    from assistant.llm_backend import complete_json

    language = normalize_language(language)
    problems: list[str] = []
    attempts = 0
    if llm is None or not (facts.supporting or facts.holding_back):
        return _template(facts, language, catalogue_titles, feature_labels, problems, attempts)
    mask = title_mask(facts, language)
    messages = prompt_messages(facts, language, mask=mask)
    for _ in range(1 + max_retries):
        if deadline is not None and time.monotonic() >= deadline:
            problems.append("out of time for the language model.")
            break
        attempts += 1
        try:
            # a retry at the same temperature would mostly repeat the rejected text
            extra = {"temperature": RETRY_TEMPERATURE} if attempts > 1 else {}
            raw = _clean(complete_json(llm, messages, EXPLAIN_SCHEMA, name="explanation", **extra)["text"])
        except Exception as err:  # noqa: BLE001 - any model failure means "use the template"
            log.info("explanation model failed for item %s: %s", facts.item, err)
            problems.append(f"language model failed: {err}")
            break
        answer = mask.restore(raw)
        result = check(answer, facts, catalogue_titles, feature_labels, language)
        if result.ok:
            return _result(facts, language, answer, result, fallback=False, problems=problems, attempts=attempts)
        problems = list(result.problems)
        messages = retry_messages(messages, raw, result, language)
    return _template(facts, language, catalogue_titles, feature_labels, problems, attempts)


def explain_items(explanations: Sequence[Explanation], *, language: str = "en", llm: Any = None,
                  catalogue_titles: Sequence[str], feature_labels: Sequence[str], timeout: float | None = None,
                  max_items: int = MAX_ITEMS, max_retries: int = MAX_RETRIES) -> list[ExplainedItem]:
    """Checked explanations for several items. ``timeout`` (seconds) bounds the model's total time over
    all items; items left when it runs out get the template. Never raises for the model's sake."""
    deadline = None if timeout is None else time.monotonic() + timeout
    return [explain_facts(facts_for(e, max_items=max_items), language=language, llm=llm, catalogue_titles=catalogue_titles,
                          feature_labels=feature_labels, deadline=deadline, max_retries=max_retries)
            for e in explanations]


def _chunk_text(chunk: Any) -> str:
    content = getattr(chunk, "content", chunk)
    if isinstance(content, list):
        return "".join(p if isinstance(p, str) else str(p.get("text", "")) for p in content if isinstance(p, (str, dict)))
    return content if isinstance(content, str) else ""


def stream_explanation(expl: Explanation | ExplanationFacts, *, language: str = "en", llm: Any = None,
                       catalogue_titles: Sequence[str], feature_labels: Sequence[str],
                       max_retries: int = MAX_RETRIES, deadline: float | None = None) -> Iterator[StreamEvent]:
    """Facts at once, then the model's prose as it arrives, then the checked final text.

    If the streamed prose fails the check, the model is asked once more (not streamed) with the checker's
    complaints named; if that fails too, or the model fails midway, the final event carries the
    template. Either way ``replaced=True``: the UI swaps the streamed prose for ``item.text``.
    """
    language = normalize_language(language)
    facts = expl if isinstance(expl, ExplanationFacts) else facts_for(expl)
    yield StreamEvent("facts", facts=facts.to_dict())
    if llm is None or not (facts.supporting or facts.holding_back):
        yield StreamEvent("final", item=_template(facts, language, catalogue_titles, feature_labels, [], 0))
        return
    parts: list[str] = []
    mask = title_mask(facts, language)

    def stream() -> Iterator[str]:
        for chunk in llm.stream(prompt_messages(facts, language, output="text", mask=mask)):
            yield _chunk_text(chunk)

    pieces = stream()
    try:
        for piece in mask.restore_stream(pieces):
            if piece:
                parts.append(piece)
                yield StreamEvent("delta", text=piece)
    except Exception as err:  # noqa: BLE001 - a dead model mid-stream still ends in a checked text
        log.info("explanation stream failed for item %s: %s", facts.item, err)
        item = _template(facts, language, catalogue_titles, feature_labels, [f"language model failed: {err}"], 1)
        yield StreamEvent("final", item=item, replaced=bool(parts))
        return
    text = _clean("".join(parts))
    result = check(text, facts, catalogue_titles, feature_labels, language)
    if result.ok:
        yield StreamEvent("final", item=_result(facts, language, text, result, fallback=False, problems=[], attempts=1))
        return
    yield StreamEvent("final", item=_retry_once(facts, language, llm, mask.mask(text), result,
                                                catalogue_titles, feature_labels, max_retries, deadline, mask), replaced=True)


def _retry_once(facts: ExplanationFacts, language: str, llm: Any, text: str, result: CheckResult,
                titles: Sequence[str], labels: Sequence[str], max_retries: int, deadline: float | None,
                mask: TitleMask = NO_MASK) -> ExplainedItem:
    """After a streamed text failed the check: up to ``max_retries`` more tries (sampled, with the
    failures named), then the template."""
    from assistant.llm_backend import chat_text

    problems, attempts = list(result.problems), 1
    messages = retry_messages(prompt_messages(facts, language, output="text", mask=mask), text, result, language, output="text")
    for _ in range(max_retries):
        if deadline is not None and time.monotonic() >= deadline:
            problems.append("out of time for the language model.")
            break
        attempts += 1
        try:
            raw = _clean(chat_text(llm, messages, temperature=RETRY_TEMPERATURE))
        except Exception as err:  # noqa: BLE001 - any model failure means "use the template"
            problems.append(f"language model failed: {err}")
            break
        answer = mask.restore(raw)
        again = check(answer, facts, titles, labels, language)
        if again.ok:
            return _result(facts, language, answer, again, fallback=False, problems=problems, attempts=attempts)
        problems = list(again.problems)
        messages = retry_messages(messages, raw, again, language, output="text")
    return _template(facts, language, titles, labels, problems, attempts)
