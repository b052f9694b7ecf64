"""The explanation room: what an explanation may say, who writes it, and the check it must pass.

- ``facts``: the facts of one exact attribution (its largest terms, nothing else).
- ``template``: ``template_explanation``, the one deterministic writer (the model's draft and the fallback).
- ``writer``: the language model's text, one retry loop, checked; ``stream``: the same, streamed for a chat turn.
- ``checker`` (with ``vocabulary`` and ``negation``): every title, feature and number a text names must be a
  non-negligible term with the right sign. ``title_mask``: titles as tokens while the model writes Chinese.
"""

from assistant.explaining.checker import CheckResult, ClaimChecker, check
from assistant.explaining.facts import ExplanationFacts, Fact, facts_for
from assistant.explaining.stream import Checks, StreamEvent, stream_explanation, write_explanations
from assistant.explaining.template import template_explanation
from assistant.explaining.writer import ExplainedItem, explain_facts, explain_items, template_item

__all__ = [
    "CheckResult",
    "Checks",
    "ClaimChecker",
    "ExplainedItem",
    "ExplanationFacts",
    "Fact",
    "StreamEvent",
    "check",
    "explain_facts",
    "explain_items",
    "facts_for",
    "stream_explanation",
    "template_explanation",
    "template_item",
    "write_explanations",
]
