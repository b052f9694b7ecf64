"""Explanations as a chat turn shows them: facts at once, the model's words as they arrive, the checked text last.

``stream_explanation`` streams one item; ``write_explanations`` does a turn's items and sends events:
``on_event("delta", {"item", "text"})`` while the model writes, ``on_event("explanation", dict)`` when an
item's checked text is final, ``on_event("llm_failed", err)`` once when the model fails (the rest of the
turn then uses the template). The ``Checks`` every text must pass are passed in by the caller.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel

from assistant.explaining.checker import ClaimChecker
from assistant.explaining.facts import ExplanationFacts, facts_for
from assistant.explaining.writer import (
    MAX_RETRIES,
    ExplainedItem,
    clean,
    prompt_messages,
    template_item,
    title_mask,
    write,
)
from assistant.language import normalize_language
from assistant.llm import FALLBACK_ON, stream_text
from scorer.attribution import Explanation

log = logging.getLogger(__name__)
Emit = Callable[[str, Any], None]


@dataclass(frozen=True)
class StreamEvent:
    kind: str  # "facts" (structured facts, at once) | "delta" (prose chunk) | "final" (the checked result)
    text: str = ""
    facts: dict[str, Any] | None = None
    item: ExplainedItem | None = None
    replaced: bool = False  # final only: the streamed prose failed the check; show item.text instead


def _no_objection(text: str) -> str | None:
    return None


@dataclass(frozen=True)
class Checks:
    """What a model-written explanation must pass to be shown (else the template is): the claim checker,
    then ``screen`` (why the text must not reach the person, e.g. an insult or an echoed prompt; None if it may)."""

    claims: ClaimChecker
    screen: Callable[[str], str | None] = _no_objection


def stream_explanation(
    expl: Explanation | ExplanationFacts,
    *,
    language: str = "en",
    llm: BaseChatModel | None = None,
    checker: ClaimChecker,
    max_retries: int = MAX_RETRIES,
    deadline: float | None = None,
) -> Iterator[StreamEvent]:
    """Facts at once, then the model's prose as it arrives, then the checked final text.

    If the streamed prose fails the check, the model is asked again (not streamed) with the checker's
    complaints named (``writer.write``); if that fails too, or the model fails midway, the final event
    carries the template. Either way ``replaced=True``: the UI swaps the streamed prose for ``item.text``.
    """
    language = normalize_language(language)
    facts = expl if isinstance(expl, ExplanationFacts) else facts_for(expl)
    yield StreamEvent("facts", facts=facts.to_dict())
    if llm is None or not (facts.supporting or facts.holding_back):
        yield StreamEvent("final", item=template_item(facts, language, checker))
        return
    parts: list[str] = []
    mask = title_mask(facts, language)
    try:
        for piece in mask.restore_stream(stream_text(llm, prompt_messages(facts, language, output="text", mask=mask))):
            if piece:
                parts.append(piece)
                yield StreamEvent("delta", text=piece)
    except FALLBACK_ON as err:  # a dead model mid-stream still ends in a checked text
        log.info("explanation stream failed for item %s: %s", facts.item, err)
        item = template_item(facts, language, checker, [f"language model failed: {err}"], 1, error=err)
        yield StreamEvent("final", item=item, replaced=bool(parts))
        return
    text = clean("".join(parts))
    item = write(
        facts,
        language=language,
        llm=llm,
        checker=checker,
        output="text",
        max_retries=max_retries,
        deadline=deadline,
        first=(text, mask.mask(text)),
    )
    yield StreamEvent("final", item=item, replaced=item.fallback or item.attempts > 1)


def write_explanations(
    explanations: Sequence[Explanation],
    language: str,
    llm: BaseChatModel | None,
    checks: Checks,
    on_event: Emit | None = None,
    llm_items: int | None = None,
    stream: bool = True,
) -> list[dict[str, Any]]:
    """One checked explanation per item (see the module docstring for the events).

    The first ``llm_items`` items are written by the model (all if None), the rest by the template,
    which bounds a turn's time on a slow CPU. ``stream=False`` asks for JSON answers instead (no deltas).
    Never raises: a failing writer gives the template.
    """
    emit = on_event or (lambda kind, payload: None)
    out = []
    for n, e in enumerate(explanations):
        model = llm if llm_items is None or n < llm_items else None
        try:
            item, replaced = _one(e, language, model, checks.claims, emit, stream)
        except Exception as err:  # noqa: BLE001 - an explanation must never cost the user the answer
            log.info("explanation writer failed for item %s: %s", e.item, err)
            item, replaced = template_item(facts_for(e), language, checks.claims), False
        if item.error is not None and model is not None:  # down or slow: don't wait on it for every item
            emit("llm_failed", item.error)
            llm = None
        done = item.public()
        if stream:
            done["replaced"] = replaced
        if not item.fallback and checks.screen(item.text) is not None:
            done = {**template_item(facts_for(e), language, checks.claims).public(), "replaced": True}
        out.append(done)
        emit("explanation", done)
    return out


def _one(
    e: Explanation, language: str, model: BaseChatModel | None, checker: ClaimChecker, emit: Emit, stream: bool
) -> tuple[ExplainedItem, bool]:
    facts = facts_for(e)
    if not stream:
        return write(facts, language=language, llm=model, checker=checker), False
    final = None
    for event in stream_explanation(facts, language=language, llm=model, checker=checker):
        if event.kind == "delta":
            emit("delta", {"item": e.item, "text": event.text})
        elif event.kind == "final":
            final = event
    if final is None or final.item is None:
        raise RuntimeError("the explanation stream ended without a final text")
    return final.item, final.replaced
